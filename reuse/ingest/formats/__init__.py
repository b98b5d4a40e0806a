"""Readers of file formats: one module per format, behind a registry.

A file's suffix (case-insensitive) chooses its reader
(:mod:`reuse.ingest.formats.registry`): ``.docx`` (:mod:`~reuse.ingest.formats.docx`),
``.pdf`` (:mod:`~reuse.ingest.formats.pdf`), ``.html`` and ``.htm``
(:mod:`~reuse.ingest.formats.html`) are *extracted*; every other suffix is a
text file (:mod:`~reuse.ingest.formats.text`), decoded with its encoding
guessed. Each reader is a pure function of the file's bytes (the path is only
used in error messages) that returns a :class:`~reuse.ingest.formats.common.FileText`.
Adding a format means adding its module and one entry in the registry (and
its suffix in the default ``ingest.suffixes``, :mod:`reuse.config`).

The text of an extracted format is returned as the library gives it, except
that ``"\\r\\n"`` becomes ``"\\n"``; later stages normalise it, and the offsets
of matches refer to this text, which is what the store keeps.

Limits, in **characters** of text (code points; ``max_chars``, default
:data:`reuse.ingest.decode.DEFAULT_MAX_CHARS`, from ``ingest.max_chars``): a
.docx stops being parsed, and a .pdf stops being read page by page, as soon as
its text passes the limit; an HTML page whose decoded markup passes it is
refused before its text is extracted. Each is then refused whole. A text that
is only white space and invisible format characters counts as no text
(:func:`reuse.ingest.chars.is_blank`).

Every failure of an extracted format is a :class:`~reuse.errors.DocumentError`
with stage ``"extract"`` and a one-line message for the end user: corrupt
files, files that are not of their suffix's format, encrypted files, zip
bombs, texts over the limit, PDFs without a text layer, documents with no text
at all. Whatever a library raises on malformed input is turned into such an
error, so a bad file never stops a scan.

The libraries (lxml, python-docx, pypdf, trafilatura) are imported when first
needed: a scan of text files does not load them.
"""
