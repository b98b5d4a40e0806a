"""The views of the database: what is live, the verdicts that apply, the
pairwise picture of shared spans, match sides, document similarity and the
likely source of each match, as SQL over :mod:`reuse.store.tables`.

What they mean for users' SQL: :mod:`reuse.store.schema`.
"""

from __future__ import annotations

__all__ = ["VIEWS", "VIEW_DDL"]

#: Every view, in the order :data:`VIEW_DDL` creates them.
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

#: ``CREATE OR REPLACE VIEW`` of every view, each after the views it reads.
VIEW_DDL = """
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
