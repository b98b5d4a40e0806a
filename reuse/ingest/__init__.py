"""Reading a corpus: walking folders, decoding files, one reader per file format,
and a document's identity (root name / path in the root)."""
