"""The DuckDB schema: the one home of table names, columns and the schema version.

Public contract (users' SQL depends on these names and columns):

``documents``
    One row per file ever scanned. ``doc_id`` INTEGER key; ``path`` the
    document's identity: its path relative to the folder that holds its scan
    root, POSIX separators, starting with the root's name
    (``reports/2024/speech.txt``), so a folder moved, copied or mounted
    elsewhere keeps its documents; ``location`` the absolute path where the
    file was last read; both with bytes that are not UTF-8 written ``\\xNN``
    (and a backslash as two). ``sha256`` of the raw bytes; ``n_chars`` length of
    ``text`` in code points; ``text`` the original decoded text (the offsets
    of ``matches`` point into it); ``deleted_at`` set when the file
    disappeared; ``first_scan`` the scan that first stored it,
    ``indexed_scan`` the scan that last read its text, ``last_scan`` the
    last scan that saw it.
``roots``
    The scanned roots: ``name`` (the first component of every ``path`` under
    it) and the ``location`` it was last scanned at.
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
``documents.doc_date``, ``date_source``, ``date_evidence``
    The document's date and where it was read: ``'metadata'`` (docx/pdf/html
    properties), ``'file name'`` or ``'text'`` (a dateline or signature date);
    NULL when none was found (:mod:`reuse.provenance`).
``quotations``
    Spans of original text inside quotation marks (“…”, 「…」, 『…』).
``match_sides``
    One row per side of a live match: ``doc_id``, ``start_offset``,
    ``end_offset``, ``other_doc``, ``kind``, ``side_kind`` (``'reuse'``,
    ``'boilerplate'``, or ``'quotation'`` when at least 80% of the side lies
    inside quotation marks), ``verdict``.
``document_similarity``
    Per live document: share reused (all kinds), share excluding boilerplate
    and quotations, the largest single source and its share, the number of
    sources; matches a reviewer ignored are left out and counted.
``edits``
    The edit script of every aligned match as rows: ``op`` in
    ``substitute``/``insert``/``delete`` (A to B), original offsets in both
    documents, ``old_text``/``new_text``, ``category`` (``place``, ``date``,
    ``person``, ``organisation``, ``number``, ``caption``, ``byline``,
    ``page_number``, ``punctuation``, ``other``) and jieba ``pos`` tags.
``groups``, ``group_members``
    Reuse groups: connected components of passages joined by aligned
    matches of either kind (a stock paragraph copied into 12 reports is one
    group of 12 members, whether or not it is common enough to be boilerplate).
    Recomputed after every scan that changes matches; ``group_id`` is 1 for
    the largest group.
``match_provenance``
    Per live match, the likely source side (earlier document date, else the
    side the other adds a byline or caption to) with the evidence.
``verdicts``
    Every verdict a reviewer gave (``'confirmed'`` or ``'ignored'``), with
    ``reviewer``, ``reviewed_at`` and ``note``: a history, never overwritten.
    Keyed by ``match_key``: a hash of both documents' ids and both passage
    texts, so a verdict survives rescans that give the match a new
    ``match_id``, renames and moves.
``current_verdicts``
    Per ``match_key`` the latest verdict, the latest note given (a verdict
    without a note keeps the earlier one), who and when, and how many
    verdicts it had.
``reviewed_matches``
    ``live_matches`` with ``verdict`` and ``note`` (and ``match_key`` where a
    verdict names the document pair; ``match_keys`` has every match's key).
``errors``
    One row per rejected file (``severity`` ``'error'``) or file read with a
    warning (``'warning'``): ``path``, ``stage``, ``message``.
``scans``
    One row per completed scan with its counts, status and parameters. A scan
    is published when it completes; one that was killed or failed is resumed
    by the next run under the same ``scan_id``.
``scan_attempts``
    One row per process that worked on a scan: ``status`` ``'ok'``, or
    ``'failed'`` with the ``message`` (an attempt that was killed is closed as
    failed by the run that resumes it).

Internal tables (may change between versions): ``passages`` (LSH band keys of
every passage), ``lines`` (formulaic-line candidates), ``meta``.

``meta`` holds ``database_id`` (a random id made when the database is
created) and ``generation`` (the number of times it was published).
"""

from __future__ import annotations

import duckdb

SCHEMA_VERSION = 3

#: Versions a database can be migrated from (:data:`MIGRATIONS`, then
#: :mod:`reuse.migrate` for the identity of documents).
MIGRATABLE = (1, 2)

TABLES = (
    "meta",
    "scans",
    "scan_attempts",
    "roots",
    "documents",
    "passages",
    "lines",
    "quotations",
    "matches",
    "edits",
    "groups",
    "group_members",
    "verdicts",
    "errors",
)
VIEWS = (
    "live_documents",
    "live_matches",
    "match_keys",
    "current_verdicts",
    "reviewed_matches",
    "match_sides",
    "document_similarity",
    "match_provenance",
)

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
    n_new_matches INTEGER,               -- reuse matches first found, verdict 'ignored' left out
    n_ignored INTEGER,                   -- new matches left out by an 'ignored' verdict
    n_renamed INTEGER,                   -- files found under a new path with the same bytes
    rebuilt BOOLEAN,
    parameters VARCHAR,                  -- JSON of the resolved configuration
    version VARCHAR
);
CREATE TABLE IF NOT EXISTS scan_attempts (
    scan_id INTEGER NOT NULL,
    attempt INTEGER NOT NULL,            -- 1, 2, ...: processes that worked on the scan
    started TIMESTAMP NOT NULL,
    finished TIMESTAMP,
    status VARCHAR NOT NULL,             -- 'running', 'ok', 'failed'
    message VARCHAR,                     -- why it failed
    pid INTEGER,
    PRIMARY KEY (scan_id, attempt)
);
CREATE TABLE IF NOT EXISTS roots (
    name VARCHAR PRIMARY KEY,            -- the first component of its documents' paths
    location VARCHAR NOT NULL,           -- absolute folder it was last scanned at
    first_scan INTEGER,
    last_scan INTEGER
);
CREATE TABLE IF NOT EXISTS documents (
    doc_id INTEGER PRIMARY KEY,
    path VARCHAR NOT NULL UNIQUE,        -- identity: root name / path in the root
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
    deleted_at TIMESTAMP,
    doc_date DATE,                       -- the document's date (reuse.provenance)
    date_source VARCHAR,                 -- 'metadata', 'file name' or 'text'
    date_evidence VARCHAR,               -- what was read
    location VARCHAR,                    -- absolute path where it was last read
    indexed_scan INTEGER                 -- the scan that last read its text
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
CREATE TABLE IF NOT EXISTS quotations (
    doc_id INTEGER NOT NULL,
    start_offset INTEGER NOT NULL,       -- inside the marks, original offsets
    end_offset INTEGER NOT NULL
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
    n_edits INTEGER,                     -- rows in edits; NULL until they are computed
    CHECK (kind IN ('reuse', 'boilerplate')),
    CHECK (a_start < a_end AND b_start < b_end)
);
CREATE TABLE IF NOT EXISTS errors (
    error_id BIGINT PRIMARY KEY,
    scan_id INTEGER,
    path VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    severity VARCHAR NOT NULL DEFAULT 'error'   -- 'error': rejected; 'warning': read anyway
);
CREATE TABLE IF NOT EXISTS edits (
    match_id BIGINT NOT NULL,
    edit_no INTEGER NOT NULL,            -- 0, 1, ... in A order
    op VARCHAR NOT NULL,                 -- A -> B: 'substitute', 'insert' (only in B), 'delete'
    a_start INTEGER NOT NULL,            -- original offsets; a_start = a_end for an insert
    a_end INTEGER NOT NULL,
    b_start INTEGER NOT NULL,            -- b_start = b_end for a delete
    b_end INTEGER NOT NULL,
    old_text VARCHAR NOT NULL,
    new_text VARCHAR NOT NULL,
    category VARCHAR NOT NULL,           -- place, date, person, organisation, number, caption,
                                         -- byline, page_number, punctuation, other
    pos VARCHAR NOT NULL,                -- jieba part-of-speech tags of the changed words
    CHECK (op IN ('substitute', 'insert', 'delete'))
);
CREATE TABLE IF NOT EXISTS groups (
    group_id INTEGER PRIMARY KEY,        -- 1 = the group with the most documents
    n_documents INTEGER NOT NULL,
    n_members INTEGER NOT NULL,
    n_matches INTEGER NOT NULL,
    mean_chars DOUBLE NOT NULL           -- mean length of a member passage (original chars)
);
CREATE TABLE IF NOT EXISTS group_members (
    group_id INTEGER NOT NULL,
    doc_id INTEGER NOT NULL,
    start_offset INTEGER NOT NULL,       -- original offsets of the passage in the document
    end_offset INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS group_matches (
    group_id INTEGER NOT NULL,
    match_id BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS verdicts (
    verdict_id BIGINT PRIMARY KEY,       -- 1, 2, ... in the order they were given
    match_key VARCHAR NOT NULL,          -- see the match_keys view
    verdict VARCHAR NOT NULL,
    note VARCHAR,
    reviewer VARCHAR,
    reviewed_at TIMESTAMP NOT NULL,
    match_id BIGINT,                     -- the match's id when it was reviewed
    doc_a INTEGER,
    doc_b INTEGER,
    path_a VARCHAR,                      -- the documents' paths when it was reviewed
    path_b VARCHAR,
    CHECK (verdict IN ('confirmed', 'ignored'))
);
CREATE OR REPLACE VIEW live_documents AS
    SELECT * FROM documents WHERE deleted_at IS NULL;
CREATE OR REPLACE VIEW live_matches AS
    SELECT m.* FROM matches m
    JOIN documents da ON da.doc_id = m.doc_a
    JOIN documents db ON db.doc_id = m.doc_b
    WHERE m.deleted_at IS NULL AND da.deleted_at IS NULL AND db.deleted_at IS NULL;
-- A match's identity across rescans: both documents (their ids survive
-- changes, renames and moves) and both passage texts.
CREATE OR REPLACE VIEW match_keys AS
    SELECT m.match_id, @MATCH_KEY@ AS match_key
    FROM matches m
    JOIN documents da ON da.doc_id = m.doc_a
    JOIN documents db ON db.doc_id = m.doc_b;
-- The verdict that applies now, per match key: the latest one; its note is the
-- latest note given (a verdict without a note does not erase an earlier one).
CREATE OR REPLACE VIEW current_verdicts AS
    SELECT match_key,
           arg_max(verdict, verdict_id) AS verdict,
           arg_max(note, verdict_id) FILTER (WHERE note IS NOT NULL) AS note,
           arg_max(reviewer, verdict_id) AS reviewer,
           max(reviewed_at) AS reviewed_at,
           arg_max(match_id, verdict_id) AS match_id,
           arg_max(doc_a, verdict_id) AS doc_a,
           arg_max(doc_b, verdict_id) AS doc_b,
           count(*) AS n_verdicts
    FROM verdicts GROUP BY match_key;
-- Verdicts joined to live matches. The key is hashed only for matches between
-- two documents a verdict names (hashing every match's texts costs seconds on
-- a large store); match_key is NULL for the others (match_keys has them all).
CREATE OR REPLACE VIEW reviewed_matches AS
    WITH pairs AS (
        SELECT DISTINCT doc_a AS d1, doc_b AS d2 FROM verdicts
    ), keyed AS (
        SELECT m.match_id, @MATCH_KEY@ AS match_key
        FROM live_matches m
        JOIN pairs p ON m.doc_a = p.d1 AND m.doc_b = p.d2
        JOIN documents da ON da.doc_id = m.doc_a
        JOIN documents db ON db.doc_id = m.doc_b
    )
    SELECT m.*, k.match_key, v.verdict, v.note
    FROM live_matches m
    LEFT JOIN keyed k USING (match_id)
    LEFT JOIN current_verdicts v ON v.match_key = k.match_key;
CREATE OR REPLACE VIEW match_sides AS
    WITH sides AS (
        SELECT match_id, doc_a AS doc_id, a_start AS start_offset, a_end AS end_offset,
               doc_b AS other_doc, kind, similarity, verdict
        FROM reviewed_matches
        UNION ALL
        SELECT match_id, doc_b, b_start, b_end, doc_a, kind, similarity, verdict
        FROM reviewed_matches
    ), quoted AS (
        SELECT s.match_id, s.doc_id,
               sum(least(q.end_offset, s.end_offset)
                   - greatest(q.start_offset, s.start_offset)) AS quoted_chars
        FROM sides s
        JOIN quotations q ON q.doc_id = s.doc_id
         AND q.start_offset < s.end_offset AND q.end_offset > s.start_offset
        GROUP BY s.match_id, s.doc_id
    )
    SELECT s.*, coalesce(q.quoted_chars, 0) AS quoted_chars,
           CASE WHEN s.kind = 'boilerplate' THEN 'boilerplate'
                WHEN coalesce(q.quoted_chars, 0) >= 0.8 * (s.end_offset - s.start_offset)
                THEN 'quotation'
                ELSE 'reuse' END AS side_kind
    FROM sides s LEFT JOIN quoted q USING (match_id, doc_id);
CREATE OR REPLACE VIEW document_similarity AS
    WITH sides AS (
        SELECT * FROM match_sides WHERE verdict IS DISTINCT FROM 'ignored'
    ), labelled AS (
        SELECT doc_id, 'all' AS part, -1 AS other_doc, start_offset AS s, end_offset AS e
        FROM sides
        UNION ALL
        SELECT doc_id, 'own', -1, start_offset, end_offset FROM sides
        WHERE side_kind = 'reuse'
        UNION ALL
        SELECT doc_id, 'source', other_doc, start_offset, end_offset FROM sides
        WHERE side_kind <> 'boilerplate'
    ), ordered AS (
        SELECT *, max(e) OVER (PARTITION BY doc_id, part, other_doc ORDER BY s, e
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
        FROM labelled
    ), islands AS (
        SELECT *, sum(CASE WHEN prev_end IS NULL OR s > prev_end THEN 1 ELSE 0 END)
                      OVER (PARTITION BY doc_id, part, other_doc ORDER BY s, e
                            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS island
        FROM ordered
    ), merged AS (
        SELECT doc_id, part, other_doc, sum(chars) AS chars
        FROM (SELECT doc_id, part, other_doc, island, max(e) - min(s) AS chars
              FROM islands GROUP BY doc_id, part, other_doc, island)
        GROUP BY doc_id, part, other_doc
    ), ranked AS (
        SELECT doc_id, other_doc, chars,
               row_number() OVER (PARTITION BY doc_id ORDER BY chars DESC, other_doc) AS rank,
               count(*) OVER (PARTITION BY doc_id) AS n_sources
        FROM merged WHERE part = 'source'
    ), ignored AS (
        SELECT doc_id, count(*) AS n_ignored FROM match_sides
        WHERE verdict = 'ignored' GROUP BY doc_id
    )
    SELECT d.doc_id, d.path, d.n_chars, d.doc_date,
           coalesce(a.chars, 0) AS reused_chars,
           coalesce(a.chars, 0) / greatest(d.n_chars, 1) AS share,
           coalesce(o.chars, 0) AS reused_chars_excluding,
           coalesce(o.chars, 0) / greatest(d.n_chars, 1) AS share_excluding,
           r.other_doc AS largest_source_id,
           src.path AS largest_source,
           coalesce(r.chars, 0) / greatest(d.n_chars, 1) AS largest_source_share,
           coalesce(r.n_sources, 0) AS n_sources,
           coalesce(i.n_ignored, 0) AS n_ignored
    FROM live_documents d
    LEFT JOIN merged a ON a.doc_id = d.doc_id AND a.part = 'all'
    LEFT JOIN merged o ON o.doc_id = d.doc_id AND o.part = 'own'
    LEFT JOIN ranked r ON r.doc_id = d.doc_id AND r.rank = 1
    LEFT JOIN documents src ON src.doc_id = r.other_doc
    LEFT JOIN ignored i ON i.doc_id = d.doc_id;
CREATE OR REPLACE VIEW match_provenance AS
    WITH added AS (
        SELECT match_id,
               count(*) FILTER (WHERE op = 'insert'
                                AND category IN ('byline', 'caption')) AS b_adds,
               count(*) FILTER (WHERE op = 'delete'
                                AND category IN ('byline', 'caption')) AS a_adds
        FROM edits GROUP BY match_id
    ), judged AS (
        SELECT m.match_id, m.doc_a, m.doc_b, m.kind, da.path AS path_a, db.path AS path_b,
               da.doc_date AS date_a, db.doc_date AS date_b,
               da.date_source AS date_source_a, db.date_source AS date_source_b,
               da.date_evidence AS date_evidence_a, db.date_evidence AS date_evidence_b,
               coalesce(x.a_adds, 0) AS a_adds, coalesce(x.b_adds, 0) AS b_adds
        FROM live_matches m
        JOIN documents da ON da.doc_id = m.doc_a
        JOIN documents db ON db.doc_id = m.doc_b
        LEFT JOIN added x USING (match_id)
    )
    SELECT match_id, doc_a, doc_b, kind, path_a, path_b, date_a, date_b,
           CASE WHEN date_a < date_b THEN 'a' WHEN date_b < date_a THEN 'b'
                WHEN b_adds > a_adds THEN 'a' WHEN a_adds > b_adds THEN 'b'
           END AS likely_source,
           CASE WHEN date_a < date_b OR (date_a IS NOT DISTINCT FROM date_b AND b_adds > a_adds)
                     OR ((date_a IS NULL OR date_b IS NULL) AND b_adds > a_adds) THEN doc_a
                WHEN date_b < date_a OR a_adds > b_adds THEN doc_b
           END AS source_doc,
           CASE WHEN date_a <> date_b
                THEN format('dates: A {} ({}: {}), B {} ({}: {})', date_a, date_source_a,
                            date_evidence_a, date_b, date_source_b, date_evidence_b)
                WHEN b_adds > a_adds
                THEN format('B adds {} byline/caption insertion(s) to the shared text', b_adds)
                WHEN a_adds > b_adds
                THEN format('A adds {} byline/caption insertion(s) to the shared text', a_adds)
                WHEN date_a = date_b THEN format('both dated {}', date_a)
                ELSE 'no dates and no byline or caption insertions'
           END AS evidence
    FROM judged;
"""

#: A match's ``match_key`` in SQL, over ``matches m`` joined with its documents
#: ``da`` (doc_a) and ``db`` (doc_b): md5 of both document ids (``doc_a <
#: doc_b``) and both passage texts.
MATCH_KEY_SQL = """md5(m.doc_a::VARCHAR || chr(31) || m.doc_b::VARCHAR || chr(31)
        || substr(da.text, m.a_start + 1, m.a_end - m.a_start) || chr(31)
        || substr(db.text, m.b_start + 1, m.b_end - m.b_start))"""

#: The ``match_key`` of schema version 2 (both paths and both passage texts,
#: the pair in path order), for migrating its verdicts.
MATCH_KEY_SQL_V2 = """md5(CASE WHEN da.path <= db.path
        THEN da.path || chr(31) || db.path || chr(31)
             || substr(da.text, m.a_start + 1, m.a_end - m.a_start) || chr(31)
             || substr(db.text, m.b_start + 1, m.b_end - m.b_start)
        ELSE db.path || chr(31) || da.path || chr(31)
             || substr(db.text, m.b_start + 1, m.b_end - m.b_start) || chr(31)
             || substr(da.text, m.a_start + 1, m.a_end - m.a_start)
   END)"""

DDL = DDL.replace("@MATCH_KEY@", MATCH_KEY_SQL)

#: Changes that bring a database of an older schema version up to this one.
#: A v1 database gains the v2 tables and columns; its documents are marked
#: stale so the next scan indexes them again from their stored text
#: (quotations, dates) without reading the files.
MIGRATIONS = {
    1: """
ALTER TABLE documents ADD COLUMN IF NOT EXISTS doc_date DATE;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS date_source VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS date_evidence VARCHAR;
ALTER TABLE scans ADD COLUMN IF NOT EXISTS n_new_matches INTEGER;
ALTER TABLE scans ADD COLUMN IF NOT EXISTS n_ignored INTEGER;
ALTER TABLE matches ADD COLUMN IF NOT EXISTS n_edits INTEGER;
UPDATE documents SET status = 'stale' WHERE deleted_at IS NULL;
DELETE FROM passages;
DELETE FROM lines;
""",
}


#: Settings of every connection this package opens. ``index_scan_max_count = 0``:
#: DuckDB otherwise reads up to 2,048 rows through the primary-key index when a
#: join implies a range of ``doc_id`` (the ``reviewed_matches`` view does), and
#: fetching ``documents.text`` row by row that way took 7 s for 745 documents
#: where a sequential scan takes 0.05 s (DuckDB 2.0).
CONNECTION_SETTINGS = ("SET index_scan_max_count = 0",)


def connect(
    path: str, read_only: bool = False, config: dict | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to ``path`` with :data:`CONNECTION_SETTINGS` applied
    (``config``: DuckDB settings given when it opens).

    Use the same settings in your own sessions: ``duckdb FILE -cmd "SET index_scan_max_count = 0"``.
    """
    con = duckdb.connect(path, read_only=read_only, config=dict(config or {}))
    locked = con.execute("SELECT current_setting('lock_configuration')").fetchall()
    if not locked[0][0]:  # (a locked instance was set up by whoever locked it)
        for statement in CONNECTION_SETTINGS:
            con.execute(statement)
    return con
