"""Reading a corpus, the first pipeline stage.

:mod:`~reuse.ingest.walk` lists the files under the scan roots;
:mod:`~reuse.ingest.read` reads one file and turns its bytes into text with
the reader of its format (:mod:`~reuse.ingest.formats`: text files decoded by
:mod:`~reuse.ingest.decode`, which judges decodings by
:mod:`~reuse.ingest.chars`; .docx, .pdf and .html extracted);
:mod:`~reuse.ingest.paths` writes file names that are not UTF-8 as text;
:mod:`~reuse.ingest.failures` makes the errors; :mod:`~reuse.ingest.identity`
gives a document its identity (root name / path in the root).
"""
