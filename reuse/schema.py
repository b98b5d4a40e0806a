"""The DuckDB schema: the one home of table names, columns and the schema version.

Public contract (users' SQL depends on these names and columns):

``documents``
    One row per file ever scanned. ``doc_id`` INTEGER key; ``path`` absolute
    path; ``sha256`` of the raw bytes; ``n_chars`` length of ``text`` in code
    points; ``text`` the original decoded text (the offsets of ``matches``
    point into it); ``deleted_at`` set when the file disappeared.
``matches``
    One row per reused segment between two documents. ``doc_a < doc_b``;
    ``a_start, a_end, b_start, b_end`` are 0-based, end-exclusive code-point
    offsets into ``documents.text``, so
    ``substr(text, a_start + 1, a_end - a_start)`` is the passage in A.
    ``similarity`` is ``1 - edit_distance / max(len_a, len_b)`` and
    ``edit_distance`` the Levenshtein distance, both on the *normalised*
    passage texts. ``kind`` is ``'reuse'`` or ``'boilerplate'`` (formulaic
    lines such as "尊敬的各位领导，同志们：").
``live_documents``, ``live_matches``
    The same columns, only what is current (not deleted).
``errors``
    One row per rejected file: ``path``, ``stage``, ``message``.
``scans``
    One row per scan with its counts, status and parameters.

Internal tables (may change between versions): ``passages`` (LSH band keys of
every passage), ``lines`` (formulaic-line candidates), ``meta``.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

TABLES = ("meta", "scans", "documents", "passages", "lines", "matches", "errors")
VIEWS = ("live_documents", "live_matches")

DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);
CREATE TABLE IF NOT EXISTS scans (
    scan_id INTEGER PRIMARY KEY,
    started TIMESTAMP NOT NULL,
    finished TIMESTAMP,
    status VARCHAR NOT NULL,            -- 'running', 'ok', 'ok_with_errors', 'failed'
    roots VARCHAR[],
    n_files INTEGER,
    n_new INTEGER,
    n_changed INTEGER,
    n_unchanged INTEGER,
    n_deleted INTEGER,
    n_errors INTEGER,
    n_sketched INTEGER,
    n_candidates BIGINT,
    n_matches INTEGER,
    rebuilt BOOLEAN,
    parameters VARCHAR,                  -- JSON of the resolved configuration
    version VARCHAR
);
CREATE TABLE IF NOT EXISTS documents (
    doc_id INTEGER PRIMARY KEY,
    path VARCHAR NOT NULL UNIQUE,
    sha256 VARCHAR NOT NULL,
    n_chars INTEGER NOT NULL,            -- code points of text
    text VARCHAR NOT NULL,               -- original decoded text
    encoding VARCHAR,
    n_bytes BIGINT,
    n_norm_chars INTEGER,                -- code points of the normalised text
    n_passages INTEGER,
    status VARCHAR NOT NULL,             -- 'indexed' (sketched), 'matched' (compared)
    first_scan INTEGER,
    last_scan INTEGER,
    deleted_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS passages (
    doc_id INTEGER NOT NULL,
    passage_no INTEGER NOT NULL,
    norm_start INTEGER NOT NULL,
    norm_end INTEGER NOT NULL,
    n_shingles INTEGER NOT NULL,
    band_keys BLOB NOT NULL,             -- little-endian uint64 per LSH band
    PRIMARY KEY (doc_id, passage_no)
);
CREATE TABLE IF NOT EXISTS lines (
    doc_id INTEGER NOT NULL,
    norm_start INTEGER NOT NULL,
    norm_end INTEGER NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    line_key UBIGINT NOT NULL,           -- hash of the line's letters and digits
    listed BOOLEAN NOT NULL              -- in the boilerplate list file
);
CREATE TABLE IF NOT EXISTS matches (
    match_id BIGINT PRIMARY KEY,
    doc_a INTEGER NOT NULL,
    a_start INTEGER NOT NULL,
    a_end INTEGER NOT NULL,
    doc_b INTEGER NOT NULL,
    b_start INTEGER NOT NULL,
    b_end INTEGER NOT NULL,
    similarity DOUBLE NOT NULL,
    edit_distance INTEGER NOT NULL,
    kind VARCHAR NOT NULL,               -- 'reuse' or 'boilerplate'
    a_norm_start INTEGER NOT NULL,
    a_norm_end INTEGER NOT NULL,
    b_norm_start INTEGER NOT NULL,
    b_norm_end INTEGER NOT NULL,
    seeds INTEGER,                       -- verified passage pairs behind the segment
    source VARCHAR NOT NULL,             -- 'align' or 'line'
    first_seen_scan INTEGER,
    deleted_at TIMESTAMP,
    CHECK (kind IN ('reuse', 'boilerplate')),
    CHECK (a_start < a_end AND b_start < b_end)
);
CREATE TABLE IF NOT EXISTS errors (
    error_id BIGINT PRIMARY KEY,
    scan_id INTEGER,
    path VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE OR REPLACE VIEW live_documents AS
    SELECT * FROM documents WHERE deleted_at IS NULL;
CREATE OR REPLACE VIEW live_matches AS
    SELECT m.* FROM matches m
    JOIN documents da ON da.doc_id = m.doc_a
    JOIN documents db ON db.doc_id = m.doc_b
    WHERE m.deleted_at IS NULL AND da.deleted_at IS NULL AND db.deleted_at IS NULL;
"""
