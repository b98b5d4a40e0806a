"""The configuration sections of a scan that stored results do not depend on.

Which files are read (``ingest``) and the resources a scan uses (``scan``):
neither is part of :meth:`reuse.config.Config.detection_fingerprint`.
"""

from __future__ import annotations

from dataclasses import dataclass

from reuse.config.checks import check

__all__ = ["IngestConfig", "ScanConfig"]


@dataclass(frozen=True)
class IngestConfig:
    """Which files a scan reads.

    Attributes:
        suffixes: file name endings read (case-insensitive); .docx, .pdf,
            .html and .htm are extracted (:mod:`reuse.ingest.formats`), others decoded as text.
        max_bytes: larger files are rejected with an error row, in bytes
            (16 MiB: a report is rarely over 1 MiB; a larger file is a dump).
        max_chars: a document with more characters (code points) of text,
            decoded or extracted, is rejected with an error row; extraction
            stops as soon as it is passed. 20 million: a long report has
            20,000 to 200,000 characters, a 1,000-page book about a million,
            so only what is not a report is stopped: a .docx zip bomb (2.5 MB
            that unpacks to half a GB of XML, 167 million characters), a dump
            saved as .txt. The later stages need several bytes per character.
        follow_symlinks: follow symbolic links whose target is outside the
            scanned folder they were found in; by default such a link is
            skipped with an error row (links inside the folder, and a folder
            named on the command line that is itself a link, are followed).
    """

    suffixes: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
    max_bytes: int = 16 * 1024 * 1024
    max_chars: int = 20_000_000
    follow_symlinks: bool = False

    def __post_init__(self) -> None:
        check(
            len(self.suffixes) > 0, "ingest.suffixes must name at least one ending, e.g. ['.txt']"
        )
        check(self.max_bytes > 0, "ingest.max_bytes must be positive")
        check(self.max_chars > 0, "ingest.max_chars must be positive")
        check(
            isinstance(self.follow_symlinks, bool), "ingest.follow_symlinks must be true or false"
        )


@dataclass(frozen=True)
class ScanConfig:
    """Resources of a scan.

    None of these changes what a scan finds (the matches), only how fast, in
    how much memory, and whether the derived ``edits`` table is filled.

    Attributes:
        workers: processes for the per-document and per-document-pair stages
            (0 = every available CPU, 1 = in process).
        batch_documents: documents per store transaction.
        text_budget_chars: normalised texts held in memory at once while
            aligning and typing edits, in characters (~10 bytes each with the
            offset map); document pairs are aligned, and matches typed, in
            windows whose documents fit it.
        candidate_budget_pairs: candidate passage pairs made and held at once
            (an upper estimate; ~60 bytes each while they are sorted and
            aligned); the corpus's pairs are made and aligned in blocks of
            whole documents that fit it (0: one block).
        edits: compute the typed edits of new matches (table ``edits``;
            about 0.1 ms per edit, jieba tagging near each edit). Off, a scan
            leaves them for a later scan with it on (``matches.n_edits`` NULL).
        task_timeout_seconds: a worker task (a chunk of files, of document
            pairs or of matches) that takes longer than this ends the scan
            with an error instead of a wait for ever (a hung worker); real
            tasks take well under a second.
    """

    workers: int = 0
    batch_documents: int = 256
    text_budget_chars: int = 50_000_000
    candidate_budget_pairs: int = 20_000_000
    edits: bool = True
    task_timeout_seconds: float = 600.0

    def __post_init__(self) -> None:
        check(self.workers >= 0, "scan.workers must be >= 0 (0: every CPU)")
        check(self.task_timeout_seconds > 0, "scan.task_timeout_seconds must be > 0")
        check(self.batch_documents >= 1, "scan.batch_documents must be >= 1")
        check(self.text_budget_chars >= 1, "scan.text_budget_chars must be >= 1")
        check(self.candidate_budget_pairs >= 0, "scan.candidate_budget_pairs must be >= 0")
