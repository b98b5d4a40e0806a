"""The DuckDB schema: its version, its DDL (the tables of :mod:`reuse.store.tables`,
the views of :mod:`reuse.store.views`), the match key and the migrations' SQL.

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
    NULL when none was found (:mod:`reuse.text.dates`). ``date_precision`` is
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

from reuse.store.tables import TABLE_DDL
from reuse.store.views import VIEW_DDL

SCHEMA_VERSION = 5

#: Versions a database can be migrated from (:data:`MIGRATIONS`, then
#: :mod:`reuse.store.migrate` for the identity of documents).
MIGRATABLE = (1, 2, 3, 4)

#: The tables (:mod:`reuse.store.tables`), then the views (:mod:`reuse.store.views`).
DDL = TABLE_DDL + VIEW_DDL

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

#: Columns of version 5: a group member's excerpt, filled when the groups are
#: built again (a migrated database's groups are marked stale).
V5_GROUP_COLUMNS = """
ALTER TABLE group_members ADD COLUMN IF NOT EXISTS excerpt VARCHAR;
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
