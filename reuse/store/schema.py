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
    passage texts. ``kind`` is ``'reuse'`` (text two documents share beyond
    stock text), ``'template'`` (stock text: clauses, formulas, footers found
    in at least ``T`` documents, :mod:`reuse.derive.templates`) or ``'boilerplate'``
    (formulaic lines such as "尊敬的各位领导，同志们："). ``rep_doc`` is set
    on a template member's alignment to its representative (and is that
    side's document); NULL on a pairwise match.
``templates``, ``template_members``
    Stock text once: one row per template (``kind`` ``'template'`` or
    ``'boilerplate'``, the representative occurrence ``rep_doc``,
    ``rep_start``, ``rep_end``, ``n_documents``, ``n_members``,
    ``template_key`` stable across rebuilds), one row per occurrence
    (document, original offsets, the part of the representative it aligns
    to, ``match_id`` of that alignment, NULL for the representative itself,
    similarity and edit distance).
``shared_spans``
    The pairwise picture: ``(doc_a, a_start, a_end, doc_b, b_start, b_end,
    kind, match_id, template_id)``, every aligned match that is no template
    member's alignment (``kind`` ``'reuse'``, ``'quotation'`` when at least
    80% of a side is quoted, ``'template'``, ``'boilerplate'``) and, for
    every two occurrences of one template that
    align to overlapping parts of its representative, a row of the
    template's kind (expanded when queried, not stored).
``document_shares``, ``document_sources``
    The class of every character of a document (:mod:`reuse.store.shares`:
    boilerplate, template, quoted, copied, changed, first that applies) and
    ``share = copied_chars / n_chars``; per source document the characters
    copied from it.
``live_documents``, ``live_matches``
    The same columns, only what is current (not deleted).
``documents.doc_date``, ``date_source``, ``date_evidence``, ``date_precision``
    The document's date and where it was read: ``'metadata'`` (docx/pdf/html
    properties), ``'file name'`` or ``'text'`` (a dateline or signature date);
    NULL when none was found (:mod:`reuse.derive.provenance`). ``date_precision`` is
    ``'day'``, ``'month'`` or ``'year'``, and ``doc_date`` the first day of
    that period (a document of 2025 has ``2025-01-01`` and ``'year'``): compare
    two dates only at the coarser precision of the two (``match_provenance``
    does). A document dated before precisions existed has a NULL precision
    and a full date until it is indexed again.
``quotations``
    Spans of original text inside quotation marks (“…”, 「…」, 『…』).
``match_sides``
    One row per side of a live match: ``doc_id``, ``start_offset``,
    ``end_offset``, ``other_doc``, ``kind``, ``side_kind`` (``'reuse'``,
    ``'boilerplate'``, or ``'quotation'`` when at least 80% of the side lies
    inside quotation marks), ``verdict``.
``document_similarity``
    Per live document, from ``document_shares``: ``share`` (copied
    characters over all characters; ``share_excluding`` is the same figure,
    kept for older SQL), the character classes, the largest single source
    and its share, the number of sources; matches a reviewer ignored are
    left out and counted.
``edits``
    The edit script of every aligned match as rows: ``op`` in
    ``substitute``/``insert``/``delete`` (A to B), original offsets in both
    documents, ``old_text``/``new_text``, ``category`` (``place``, ``date``,
    ``person``, ``organisation``, ``number``, ``caption``, ``byline``,
    ``page_number``, ``punctuation``, ``other``) and jieba ``pos`` tags.
``groups``, ``group_members``
    Reuse groups: stars of passages joined by ``reuse`` matches, every member
    matching the group's centre (:mod:`reuse.derive.groups`; groups never chain).
    Recomputed after every scan that changes matches; ``group_id`` is 1 for
    the largest group.
``match_provenance``
    Per live match, the likely source side (earlier document date, compared at
    the coarser precision of the two dates, so 2024 is earlier than
    2025-03-05 but 2025 and 2025-03-05 are undecided; else the side the other
    adds a byline or caption to) with the evidence.
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
    ``live_matches`` (which carry their ``match_key``) with ``verdict`` and
    ``note``.
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
every passage), ``lines`` (formulaic-line candidates), ``fingerprints``
(winnowed k-gram hashes, :mod:`reuse.detect.seeds`), ``pair_plans`` (the seeds each
document pair was aligned from, as a hash), ``share_inputs`` (a hash of
what each document's shares were computed from), ``meta``.

``meta`` holds ``database_id`` (a random id made when the database is
created) and ``generation`` (the number of times it was published).
"""

from __future__ import annotations

import duckdb

SCHEMA_VERSION = 4

#: Versions a database can be migrated from (:data:`MIGRATIONS`, then
#: :mod:`reuse.store.migrate` for the identity of documents).
MIGRATABLE = (1, 2, 3)

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
    "fingerprints",
    "pair_plans",
    "templates",
    "template_members",
    "edits",
    "document_shares",
    "document_sources",
    "share_inputs",
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
    "shared_spans",
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
    text VARCHAR USING COMPRESSION uncompressed NOT NULL,  -- original decoded text: stored
                                         -- plain, so one document reads in a millisecond
                                         -- (zstd blocks cost ~30 ms per read)
    encoding VARCHAR,
    n_bytes BIGINT,
    n_norm_chars INTEGER,                -- code points of the normalised text
    n_passages INTEGER,
    status VARCHAR NOT NULL,             -- 'indexed' (sketched), 'matched' (compared)
    first_scan INTEGER,
    last_scan INTEGER,
    deleted_at TIMESTAMP,
    doc_date DATE,                       -- the document's date (reuse.derive.provenance)
    date_source VARCHAR,                 -- 'metadata', 'file name' or 'text'
    date_evidence VARCHAR,               -- what was read
    location VARCHAR,                    -- absolute path where it was last read
    indexed_scan INTEGER,                -- the scan that last read its text
    date_precision VARCHAR               -- of doc_date: 'day', 'month' or 'year'; NULL: no
                                         -- date (or one stored before precisions: a day)
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
    kind VARCHAR NOT NULL,               -- 'reuse', 'template' or 'boilerplate'
    a_norm_start INTEGER NOT NULL,
    a_norm_end INTEGER NOT NULL,
    b_norm_start INTEGER NOT NULL,
    b_norm_end INTEGER NOT NULL,
    seeds INTEGER,                       -- verified passage pairs behind the segment
    source VARCHAR NOT NULL,             -- 'align' or 'line'
    first_seen_scan INTEGER,
    deleted_at TIMESTAMP,
    n_edits INTEGER,                     -- rows in edits; NULL until they are computed
    rep_doc INTEGER,                     -- a template's member aligned to its representative
                                         -- (this document's side); NULL for a pairwise match
    match_key VARCHAR,                   -- the match's identity for verdicts (match_keys view)
    CHECK (kind IN ('reuse', 'template', 'boilerplate')),
    CHECK (a_start < a_end AND b_start < b_end)
);
CREATE TABLE IF NOT EXISTS fingerprints (
    doc_id INTEGER NOT NULL,
    pos INTEGER NOT NULL,                -- normalised offset of the k-gram
    hash UBIGINT NOT NULL                -- winnowed k-gram hash (reuse.detect.seeds)
);
CREATE TABLE IF NOT EXISTS pair_plans (
    doc_a INTEGER NOT NULL,
    doc_b INTEGER NOT NULL,
    pass TINYINT NOT NULL,               -- 1: pairwise, 2: template member and representative
    signature UBIGINT NOT NULL,          -- hash of the seeds the pair was aligned from
    PRIMARY KEY (doc_a, doc_b, pass)
);
CREATE TABLE IF NOT EXISTS templates (
    template_id INTEGER PRIMARY KEY,     -- 1 = the template in the most documents
    kind VARCHAR NOT NULL,               -- 'template' (stock text) or 'boilerplate' (a line)
    rep_doc INTEGER NOT NULL,            -- the representative occurrence
    rep_start INTEGER NOT NULL,          -- original offsets in rep_doc
    rep_end INTEGER NOT NULL,
    n_documents INTEGER NOT NULL,
    n_members INTEGER NOT NULL,          -- occurrences, the representative's included
    template_key VARCHAR NOT NULL        -- md5 of the representative's path and text
);
CREATE TABLE IF NOT EXISTS template_members (
    template_id INTEGER NOT NULL,
    doc_id INTEGER NOT NULL,
    start_offset INTEGER NOT NULL,       -- original offsets of the occurrence
    end_offset INTEGER NOT NULL,
    rep_start INTEGER NOT NULL,          -- the part of the representative it aligns to
    rep_end INTEGER NOT NULL,
    match_id BIGINT,                     -- its alignment to the representative (NULL: the
                                         -- representative itself)
    similarity DOUBLE NOT NULL,
    edit_distance INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS document_shares (
    doc_id INTEGER PRIMARY KEY,          -- reuse.store.shares: the class of every character
    n_chars INTEGER NOT NULL,            -- of documents.text
    boilerplate_chars INTEGER NOT NULL,  -- in formulaic lines
    template_chars INTEGER NOT NULL,     -- in template occurrences
    quoted_chars INTEGER NOT NULL,       -- quoted, within reuse
    copied_chars INTEGER NOT NULL,       -- within reuse, equal to the source
    changed_chars INTEGER NOT NULL,      -- within reuse, in a typed edit
    share DOUBLE NOT NULL,               -- copied_chars / n_chars
    n_sources INTEGER NOT NULL,
    largest_source INTEGER,
    largest_source_chars INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS document_sources (
    doc_id INTEGER NOT NULL,
    source_doc INTEGER NOT NULL,
    copied_chars INTEGER NOT NULL        -- characters of doc_id copied from source_doc
);
CREATE TABLE IF NOT EXISTS share_inputs (
    doc_id INTEGER PRIMARY KEY,
    signature HUGEINT NOT NULL           -- reuse.store.shares.input_signatures
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
    SELECT match_id, match_key FROM matches;
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
-- Verdicts joined to live matches (the key is stored with each match when it
-- is stored: hashing every match's texts at every read cost 0.1-0.3 s a query
-- on 210 k matches).
CREATE OR REPLACE VIEW reviewed_matches AS
    SELECT m.*, v.verdict, v.note
    FROM live_matches m
    LEFT JOIN current_verdicts v ON v.match_key = m.match_key;
-- The pairwise picture: every span two documents share, one row per pair of
-- occurrences. Pairwise matches as they are ('quotation' when at least 80% of
-- a side of a reuse match lies inside quotation marks; 'template' or
-- 'boilerplate' when templates explain them); templates expanded lazily into
-- the pairs of their occurrences that align to overlapping parts of the
-- representative ('template', 'boilerplate'). doc_a < doc_b.
CREATE OR REPLACE VIEW shared_spans AS
    WITH quoted AS (
        SELECT m.match_id,
               sum(CASE WHEN q.doc_id = m.doc_a
                        THEN least(q.end_offset, m.a_end) - greatest(q.start_offset, m.a_start)
                        ELSE 0 END) AS quoted_a,
               sum(CASE WHEN q.doc_id = m.doc_b
                        THEN least(q.end_offset, m.b_end) - greatest(q.start_offset, m.b_start)
                        ELSE 0 END) AS quoted_b
        FROM live_matches m
        JOIN quotations q
          ON (q.doc_id = m.doc_a AND q.start_offset < m.a_end AND q.end_offset > m.a_start)
          OR (q.doc_id = m.doc_b AND q.start_offset < m.b_end AND q.end_offset > m.b_start)
        WHERE m.kind = 'reuse'
        GROUP BY m.match_id
    )
    SELECT m.doc_a, m.a_start, m.a_end, m.doc_b, m.b_start, m.b_end,
           CASE WHEN m.kind <> 'reuse' THEN m.kind
                WHEN coalesce(q.quoted_a, 0) >= 0.8 * (m.a_end - m.a_start)
                  OR coalesce(q.quoted_b, 0) >= 0.8 * (m.b_end - m.b_start)
                THEN 'quotation' ELSE 'reuse' END AS kind,
           m.match_id, CAST(NULL AS INTEGER) AS template_id
    FROM live_matches m LEFT JOIN quoted q USING (match_id)
    WHERE m.source = 'align'
      AND m.match_id NOT IN (SELECT match_id FROM template_members WHERE match_id IS NOT NULL)
    UNION ALL
    SELECT x.doc_id, x.start_offset, x.end_offset, y.doc_id, y.start_offset, y.end_offset,
           t.kind, CAST(NULL AS BIGINT), t.template_id
    FROM template_members x
    JOIN template_members y
      ON y.template_id = x.template_id AND x.doc_id < y.doc_id
     AND x.rep_start < y.rep_end AND y.rep_start < x.rep_end
    JOIN templates t ON t.template_id = x.template_id;
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
-- Every live document ranked by the one share of reuse.store.shares: copied_chars /
-- n_chars. reused_chars and share_excluding are the same figures under the
-- names of schema version 2.
CREATE OR REPLACE VIEW document_similarity AS
    WITH ignored AS (
        SELECT doc_id, count(*) AS n_ignored FROM (
            SELECT doc_a AS doc_id FROM reviewed_matches WHERE verdict = 'ignored'
            UNION ALL
            SELECT doc_b FROM reviewed_matches WHERE verdict = 'ignored'
        ) GROUP BY doc_id
    )
    SELECT d.doc_id, d.path, d.n_chars, d.doc_date,
           coalesce(s.copied_chars, 0) AS reused_chars,
           coalesce(s.share, 0.0) AS share,
           coalesce(s.copied_chars, 0) AS reused_chars_excluding,
           coalesce(s.share, 0.0) AS share_excluding,
           s.largest_source AS largest_source_id,
           src.path AS largest_source,
           coalesce(s.largest_source_chars, 0) / greatest(d.n_chars, 1) AS largest_source_share,
           coalesce(s.n_sources, 0) AS n_sources,
           coalesce(i.n_ignored, 0) AS n_ignored,
           coalesce(s.copied_chars, 0) AS copied_chars,
           coalesce(s.changed_chars, 0) AS changed_chars,
           coalesce(s.template_chars, 0) AS template_chars,
           coalesce(s.boilerplate_chars, 0) AS boilerplate_chars,
           coalesce(s.quoted_chars, 0) AS quoted_chars,
           d.date_precision
    FROM live_documents d
    LEFT JOIN document_shares s ON s.doc_id = d.doc_id
    LEFT JOIN documents src ON src.doc_id = s.largest_source
    LEFT JOIN ignored i ON i.doc_id = d.doc_id;
-- The likely source of every live match: the side with the earlier document
-- date, the two dates compared at the coarser precision of the two (2024 is
-- earlier than 2025-03-05; 2025 and 2025-03-05 are undecided; a date stored
-- before precisions existed is a day); when dates do not decide, the side the
-- other adds a byline or photo caption to.
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
               coalesce(da.date_precision, 'day') AS precision_a,
               coalesce(db.date_precision, 'day') AS precision_b,
               coalesce(x.a_adds, 0) AS a_adds, coalesce(x.b_adds, 0) AS b_adds
        FROM live_matches m
        JOIN documents da ON da.doc_id = m.doc_a
        JOIN documents db ON db.doc_id = m.doc_b
        LEFT JOIN added x USING (match_id)
    ), compared AS (
        SELECT *,
               CASE WHEN 'year' IN (precision_a, precision_b) THEN 'year'
                    WHEN 'month' IN (precision_a, precision_b) THEN 'month'
                    ELSE 'day' END AS coarser,
               CASE precision_a WHEN 'year' THEN strftime(date_a, '%Y')
                                WHEN 'month' THEN strftime(date_a, '%Y-%m')
                                ELSE strftime(date_a, '%Y-%m-%d') END AS shown_a,
               CASE precision_b WHEN 'year' THEN strftime(date_b, '%Y')
                                WHEN 'month' THEN strftime(date_b, '%Y-%m')
                                ELSE strftime(date_b, '%Y-%m-%d') END AS shown_b
        FROM judged
    ), decided AS (
        SELECT *,
               CASE WHEN date_a IS NULL OR date_b IS NULL THEN NULL
                    WHEN date_trunc(coarser, date_a) < date_trunc(coarser, date_b) THEN 'a'
                    WHEN date_trunc(coarser, date_b) < date_trunc(coarser, date_a) THEN 'b'
                    ELSE '=' END AS by_date
        FROM compared
    ), sourced AS (
        SELECT *,
               CASE WHEN by_date IN ('a', 'b') THEN by_date
                    WHEN b_adds > a_adds THEN 'a' WHEN a_adds > b_adds THEN 'b'
               END AS likely_source,
               format('A {} ({}: {}), B {} ({}: {})', shown_a, date_source_a, date_evidence_a,
                      shown_b, date_source_b, date_evidence_b) AS both_dates
        FROM decided
    )
    SELECT match_id, doc_a, doc_b, kind, path_a, path_b, date_a, date_b, likely_source,
           CASE likely_source WHEN 'a' THEN doc_a WHEN 'b' THEN doc_b END AS source_doc,
           CASE WHEN by_date IN ('a', 'b')
                THEN 'dates: ' || both_dates
                     || CASE WHEN coarser <> 'day' THEN format(', compared by {}', coarser)
                             ELSE '' END
                WHEN b_adds > a_adds OR a_adds > b_adds
                THEN format('{} adds {} byline/caption insertion(s) to the shared text',
                            CASE WHEN b_adds > a_adds THEN 'B' ELSE 'A' END,
                            greatest(a_adds, b_adds))
                     || CASE WHEN by_date = '=' AND shown_a <> shown_b
                             THEN format(' (dates {}: the same {})', both_dates, coarser)
                             WHEN by_date = '=' THEN format(' (both dated {})', shown_a)
                             ELSE '' END
                WHEN by_date = '=' AND shown_a = shown_b
                THEN format('both dated {}', shown_a)
                WHEN by_date = '='
                THEN format('dates {}: the same {}, undecided; no byline or caption insertions',
                            both_dates, coarser)
                WHEN date_a IS NOT NULL
                THEN format('only A is dated ({}: {}: {}); no byline or caption insertions',
                            shown_a, date_source_a, date_evidence_a)
                WHEN date_b IS NOT NULL
                THEN format('only B is dated ({}: {}: {}); no byline or caption insertions',
                            shown_b, date_source_b, date_evidence_b)
                ELSE 'no dates and no byline or caption insertions'
           END AS evidence,
           shown_a AS shown_date_a, shown_b AS shown_date_b
    FROM sourced;
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

#: Columns of version 4 (:func:`reuse.store.migrate.before_ddl` adds them to an
#: older database before the DDL, whose views use them).
V4_DOCUMENT_COLUMNS = """
ALTER TABLE documents ADD COLUMN IF NOT EXISTS date_precision VARCHAR;
"""

#: The same for ``matches``; :data:`FILL_MATCH_KEYS` fills it.
V4_MATCH_COLUMNS = """
ALTER TABLE matches ADD COLUMN IF NOT EXISTS match_key VARCHAR;
"""

#: Fills ``matches.match_key`` where it is NULL (new rows; a database made
#: before the column). The key: both document ids and both passages' text.
FILL_MATCH_KEYS = f"""
UPDATE matches m SET match_key = {MATCH_KEY_SQL}
FROM documents da, documents db
WHERE m.match_key IS NULL AND da.doc_id = m.doc_a AND db.doc_id = m.doc_b
"""


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
