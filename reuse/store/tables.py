"""The tables of the database (:class:`reuse.store.columns.Table`), each column
defined once; :data:`TABLE_DDL` creates them.

What the tables and their columns mean for users' SQL: :mod:`reuse.store.schema`.
"""

from __future__ import annotations

from reuse.store.columns import Column, Table

__all__ = [
    "ALL_TABLES",
    "DOCUMENTS",
    "DOCUMENT_SHARES",
    "DOCUMENT_SOURCES",
    "EDITS",
    "ERRORS",
    "FINGERPRINTS",
    "GROUPS",
    "GROUP_MATCHES",
    "GROUP_MEMBERS",
    "LINES",
    "MATCHES",
    "META",
    "PAIR_PLANS",
    "PASSAGES",
    "QUOTATIONS",
    "ROOTS",
    "SCANS",
    "SCAN_ATTEMPTS",
    "SHARE_INPUTS",
    "TABLE_DDL",
    "TEMPLATES",
    "TEMPLATE_MEMBERS",
    "VERDICTS",
]

META = Table("meta", (Column("key", "VARCHAR", "PRIMARY KEY"), Column("value", "VARCHAR")))

SCANS = Table(
    "scans",
    (
        Column("scan_id", "INTEGER", "PRIMARY KEY"),
        Column("started", "TIMESTAMP", "NOT NULL"),
        Column("finished", "TIMESTAMP"),
        Column("status", "VARCHAR", "NOT NULL"),  # 'running', 'ok', 'ok_with_errors', 'failed'
        Column("roots", "VARCHAR[]"),
        Column("n_files", "INTEGER"),
        Column("n_new", "INTEGER"),
        Column("n_changed", "INTEGER"),
        Column("n_unchanged", "INTEGER"),
        Column("n_deleted", "INTEGER"),
        Column("n_errors", "INTEGER"),
        Column("n_sketched", "INTEGER"),
        Column("n_candidates", "BIGINT"),
        Column("n_matches", "INTEGER"),
        # reuse matches first found, verdict 'ignored' left out
        Column("n_new_matches", "INTEGER"),
        Column("n_ignored", "INTEGER"),  # new matches left out by an 'ignored' verdict
        Column("n_renamed", "INTEGER"),  # files found under a new path with the same bytes
        Column("rebuilt", "BOOLEAN"),
        Column("parameters", "VARCHAR"),  # JSON of the resolved configuration
        Column("version", "VARCHAR"),
    ),
)

SCAN_ATTEMPTS = Table(
    "scan_attempts",
    (
        Column("scan_id", "INTEGER", "NOT NULL"),
        Column("attempt", "INTEGER", "NOT NULL"),  # 1, 2, ...: processes that worked on the scan
        Column("started", "TIMESTAMP", "NOT NULL"),
        Column("finished", "TIMESTAMP"),
        Column("status", "VARCHAR", "NOT NULL"),  # 'running', 'ok', 'failed'
        Column("message", "VARCHAR"),  # why it failed
        Column("pid", "INTEGER"),
    ),
    ("PRIMARY KEY (scan_id, attempt)",),
)

ROOTS = Table(
    "roots",
    (
        Column("name", "VARCHAR", "PRIMARY KEY"),  # the first component of its documents' paths
        Column("location", "VARCHAR", "NOT NULL"),  # absolute folder it was last scanned at
        Column("first_scan", "INTEGER"),
        Column("last_scan", "INTEGER"),
    ),
)

DOCUMENTS = Table(
    "documents",
    (
        Column("doc_id", "INTEGER", "PRIMARY KEY"),
        Column("path", "VARCHAR", "NOT NULL UNIQUE"),  # identity: root name / path in the root
        Column("sha256", "VARCHAR", "NOT NULL"),
        Column("n_chars", "INTEGER", "NOT NULL"),  # code points of text
        # The original decoded text: stored plain, so one document reads in a
        # millisecond (zstd blocks cost ~30 ms per read).
        Column("text", "VARCHAR", "USING COMPRESSION uncompressed NOT NULL"),
        Column("encoding", "VARCHAR"),
        Column("n_bytes", "BIGINT"),
        Column("n_norm_chars", "INTEGER"),  # code points of the normalised text
        Column("n_passages", "INTEGER"),
        Column("status", "VARCHAR", "NOT NULL"),  # 'indexed' (sketched), 'matched' (compared)
        Column("first_scan", "INTEGER"),
        Column("last_scan", "INTEGER"),
        Column("deleted_at", "TIMESTAMP"),
        Column("doc_date", "DATE"),  # the document's date (reuse.text.dates)
        Column("date_source", "VARCHAR"),  # 'metadata', 'file name' or 'text'
        Column("date_evidence", "VARCHAR"),  # what was read
        Column("location", "VARCHAR"),  # absolute path where it was last read
        Column("indexed_scan", "INTEGER"),  # the scan that last read its text
        # Of doc_date: 'day', 'month' or 'year'; NULL: no date (or one stored
        # before precisions: a day).
        Column("date_precision", "VARCHAR"),
    ),
)

PASSAGES = Table(
    "passages",
    (
        Column("doc_id", "INTEGER", "NOT NULL"),
        Column("passage_no", "INTEGER", "NOT NULL"),
        Column("norm_start", "INTEGER", "NOT NULL"),
        Column("norm_end", "INTEGER", "NOT NULL"),
        Column("n_shingles", "INTEGER", "NOT NULL"),
        Column("band_keys", "BLOB", "NOT NULL"),  # little-endian uint64 per LSH band
    ),
    ("PRIMARY KEY (doc_id, passage_no)",),
)

LINES = Table(
    "lines",
    (
        Column("doc_id", "INTEGER", "NOT NULL"),
        Column("norm_start", "INTEGER", "NOT NULL"),
        Column("norm_end", "INTEGER", "NOT NULL"),
        Column("start_offset", "INTEGER", "NOT NULL"),
        Column("end_offset", "INTEGER", "NOT NULL"),
        Column("line_key", "UBIGINT", "NOT NULL"),  # hash of the line's letters and digits
        Column("listed", "BOOLEAN", "NOT NULL"),  # in the boilerplate list file
    ),
)

QUOTATIONS = Table(
    "quotations",
    (
        Column("doc_id", "INTEGER", "NOT NULL"),
        Column("start_offset", "INTEGER", "NOT NULL"),  # inside the marks, original offsets
        Column("end_offset", "INTEGER", "NOT NULL"),
    ),
)

MATCHES = Table(
    "matches",
    (
        Column("match_id", "BIGINT", "PRIMARY KEY"),
        Column("doc_a", "INTEGER", "NOT NULL"),
        Column("a_start", "INTEGER", "NOT NULL"),
        Column("a_end", "INTEGER", "NOT NULL"),
        Column("doc_b", "INTEGER", "NOT NULL"),
        Column("b_start", "INTEGER", "NOT NULL"),
        Column("b_end", "INTEGER", "NOT NULL"),
        Column("similarity", "DOUBLE", "NOT NULL"),
        Column("edit_distance", "INTEGER", "NOT NULL"),
        Column("kind", "VARCHAR", "NOT NULL"),  # 'reuse', 'template' or 'boilerplate'
        Column("a_norm_start", "INTEGER", "NOT NULL"),
        Column("a_norm_end", "INTEGER", "NOT NULL"),
        Column("b_norm_start", "INTEGER", "NOT NULL"),
        Column("b_norm_end", "INTEGER", "NOT NULL"),
        Column("seeds", "INTEGER"),  # verified passage pairs behind the segment
        Column("source", "VARCHAR", "NOT NULL"),  # 'align' or 'line'
        Column("first_seen_scan", "INTEGER"),
        Column("deleted_at", "TIMESTAMP"),
        Column("n_edits", "INTEGER"),  # rows in edits; NULL until they are computed
        # A template's member aligned to its representative (this document's
        # side); NULL for a pairwise match.
        Column("rep_doc", "INTEGER"),
        Column("match_key", "VARCHAR"),  # the match's identity for verdicts (match_keys view)
    ),
    (
        "CHECK (kind IN ('reuse', 'template', 'boilerplate'))",
        "CHECK (a_start < a_end AND b_start < b_end)",
    ),
)

FINGERPRINTS = Table(
    "fingerprints",
    (
        Column("doc_id", "INTEGER", "NOT NULL"),
        Column("pos", "INTEGER", "NOT NULL"),  # normalised offset of the k-gram
        Column("hash", "UBIGINT", "NOT NULL"),  # winnowed k-gram hash (reuse.detect.seeds)
    ),
)

PAIR_PLANS = Table(
    "pair_plans",
    (
        Column("doc_a", "INTEGER", "NOT NULL"),
        Column("doc_b", "INTEGER", "NOT NULL"),
        # 1: pairwise, 2: template member and representative
        Column("pass", "TINYINT", "NOT NULL"),
        Column("signature", "UBIGINT", "NOT NULL"),  # hash of the seeds the pair was aligned from
    ),
    ("PRIMARY KEY (doc_a, doc_b, pass)",),
)

TEMPLATES = Table(
    "templates",
    (
        Column("template_id", "INTEGER", "PRIMARY KEY"),  # 1 = the template in the most documents
        # 'template' (stock text) or 'boilerplate' (a line)
        Column("kind", "VARCHAR", "NOT NULL"),
        Column("rep_doc", "INTEGER", "NOT NULL"),  # the representative occurrence
        Column("rep_start", "INTEGER", "NOT NULL"),  # original offsets in rep_doc
        Column("rep_end", "INTEGER", "NOT NULL"),
        Column("n_documents", "INTEGER", "NOT NULL"),
        Column("n_members", "INTEGER", "NOT NULL"),  # occurrences, the representative's included
        Column("template_key", "VARCHAR", "NOT NULL"),  # md5 of the representative's path and text
    ),
)

TEMPLATE_MEMBERS = Table(
    "template_members",
    (
        Column("template_id", "INTEGER", "NOT NULL"),
        Column("doc_id", "INTEGER", "NOT NULL"),
        Column("start_offset", "INTEGER", "NOT NULL"),  # original offsets of the occurrence
        Column("end_offset", "INTEGER", "NOT NULL"),
        Column("rep_start", "INTEGER", "NOT NULL"),  # the part of the representative it aligns to
        Column("rep_end", "INTEGER", "NOT NULL"),
        # Its alignment to the representative (NULL: the representative itself).
        Column("match_id", "BIGINT"),
        Column("similarity", "DOUBLE", "NOT NULL"),
        Column("edit_distance", "INTEGER", "NOT NULL"),
    ),
)

DOCUMENT_SHARES = Table(
    "document_shares",
    (
        # reuse.store.shares: the class of every character of documents.text
        Column("doc_id", "INTEGER", "PRIMARY KEY"),
        Column("n_chars", "INTEGER", "NOT NULL"),
        Column("boilerplate_chars", "INTEGER", "NOT NULL"),  # in formulaic lines
        Column("template_chars", "INTEGER", "NOT NULL"),  # in template occurrences
        Column("quoted_chars", "INTEGER", "NOT NULL"),  # quoted, within reuse
        Column("copied_chars", "INTEGER", "NOT NULL"),  # within reuse, equal to the source
        Column("changed_chars", "INTEGER", "NOT NULL"),  # within reuse, in a typed edit
        Column("share", "DOUBLE", "NOT NULL"),  # copied_chars / n_chars
        Column("n_sources", "INTEGER", "NOT NULL"),
        Column("largest_source", "INTEGER"),
        Column("largest_source_chars", "INTEGER", "NOT NULL"),
    ),
)

DOCUMENT_SOURCES = Table(
    "document_sources",
    (
        Column("doc_id", "INTEGER", "NOT NULL"),
        Column("source_doc", "INTEGER", "NOT NULL"),
        Column(
            "copied_chars", "INTEGER", "NOT NULL"
        ),  # characters of doc_id copied from source_doc
    ),
)

SHARE_INPUTS = Table(
    "share_inputs",
    (
        Column("doc_id", "INTEGER", "PRIMARY KEY"),
        Column("signature", "HUGEINT", "NOT NULL"),  # reuse.store.shares.input_signatures
    ),
)

ERRORS = Table(
    "errors",
    (
        Column("error_id", "BIGINT", "PRIMARY KEY"),
        Column("scan_id", "INTEGER"),
        Column("path", "VARCHAR", "NOT NULL"),
        Column("stage", "VARCHAR", "NOT NULL"),
        Column("message", "VARCHAR", "NOT NULL"),
        Column("recorded_at", "TIMESTAMP", "NOT NULL"),
        # 'error': rejected; 'warning': read anyway
        Column("severity", "VARCHAR", "NOT NULL DEFAULT 'error'"),
    ),
)

EDITS = Table(
    "edits",
    (
        Column("match_id", "BIGINT", "NOT NULL"),
        Column("edit_no", "INTEGER", "NOT NULL"),  # 0, 1, ... in A order
        # A -> B: 'substitute', 'insert' (only in B), 'delete'
        Column("op", "VARCHAR", "NOT NULL"),
        Column("a_start", "INTEGER", "NOT NULL"),  # original offsets; a_start = a_end for an insert
        Column("a_end", "INTEGER", "NOT NULL"),
        Column("b_start", "INTEGER", "NOT NULL"),  # b_start = b_end for a delete
        Column("b_end", "INTEGER", "NOT NULL"),
        Column("old_text", "VARCHAR", "NOT NULL"),
        Column("new_text", "VARCHAR", "NOT NULL"),
        # place, date, person, organisation, number, caption, byline,
        # page_number, punctuation, other
        Column("category", "VARCHAR", "NOT NULL"),
        Column("pos", "VARCHAR", "NOT NULL"),  # jieba part-of-speech tags of the changed words
    ),
    ("CHECK (op IN ('substitute', 'insert', 'delete'))",),
)

GROUPS = Table(
    "groups",
    (
        Column("group_id", "INTEGER", "PRIMARY KEY"),  # 1 = the group with the most documents
        Column("n_documents", "INTEGER", "NOT NULL"),
        Column("n_members", "INTEGER", "NOT NULL"),
        Column("n_matches", "INTEGER", "NOT NULL"),
        # mean length of a member passage (original chars)
        Column("mean_chars", "DOUBLE", "NOT NULL"),
    ),
)

GROUP_MEMBERS = Table(
    "group_members",
    (
        Column("group_id", "INTEGER", "NOT NULL"),
        Column("doc_id", "INTEGER", "NOT NULL"),
        # original offsets of the passage in the document
        Column("start_offset", "INTEGER", "NOT NULL"),
        Column("end_offset", "INTEGER", "NOT NULL"),
        # the passage's first EXCERPT_CHARS characters (schema version 5)
        Column("excerpt", "VARCHAR"),
    ),
)

#: Characters of a group member's passage kept as its ``excerpt``.
EXCERPT_CHARS = 40

GROUP_MATCHES = Table(
    "group_matches",
    (Column("group_id", "INTEGER", "NOT NULL"), Column("match_id", "BIGINT", "NOT NULL")),
)

VERDICTS = Table(
    "verdicts",
    (
        Column("verdict_id", "BIGINT", "PRIMARY KEY"),  # 1, 2, ... in the order they were given
        Column("match_key", "VARCHAR", "NOT NULL"),  # see the match_keys view
        Column("verdict", "VARCHAR", "NOT NULL"),
        Column("note", "VARCHAR"),
        Column("reviewer", "VARCHAR"),
        Column("reviewed_at", "TIMESTAMP", "NOT NULL"),
        Column("match_id", "BIGINT"),  # the match's id when it was reviewed
        Column("doc_a", "INTEGER"),
        Column("doc_b", "INTEGER"),
        Column("path_a", "VARCHAR"),  # the documents' paths when it was reviewed
        Column("path_b", "VARCHAR"),
    ),
    ("CHECK (verdict IN ('confirmed', 'ignored'))",),
)

#: Every table, in the order the DDL creates them.
ALL_TABLES = (
    META,
    SCANS,
    SCAN_ATTEMPTS,
    ROOTS,
    DOCUMENTS,
    PASSAGES,
    LINES,
    QUOTATIONS,
    MATCHES,
    FINGERPRINTS,
    PAIR_PLANS,
    TEMPLATES,
    TEMPLATE_MEMBERS,
    DOCUMENT_SHARES,
    DOCUMENT_SOURCES,
    SHARE_INPUTS,
    ERRORS,
    EDITS,
    GROUPS,
    GROUP_MEMBERS,
    GROUP_MATCHES,
    VERDICTS,
)

#: ``CREATE TABLE IF NOT EXISTS`` of every table.
TABLE_DDL = "".join(table.ddl() for table in ALL_TABLES)
