-- Share of each document that appears in another document (kind = 'reuse'),
-- overlapping passages merged (gaps and islands), in original characters.
-- Documents without reuse are listed with share 0.
WITH sides AS (
    SELECT doc_a AS doc_id, a_start AS s, a_end AS e, doc_b AS other FROM live_matches WHERE kind = 'reuse'
    UNION ALL
    SELECT doc_b, b_start, b_end, doc_a FROM live_matches WHERE kind = 'reuse'
), ordered AS (
    SELECT *, max(e) OVER (PARTITION BY doc_id ORDER BY s, e
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
    FROM sides
), islands AS (
    SELECT *, sum(CASE WHEN prev_end IS NULL OR s > prev_end THEN 1 ELSE 0 END)
                  OVER (PARTITION BY doc_id ORDER BY s, e) AS island
    FROM ordered
), merged AS (
    SELECT doc_id, island, max(e) - min(s) AS chars FROM islands GROUP BY doc_id, island
), per_doc AS (
    SELECT doc_id, sum(chars) AS reused_chars FROM merged GROUP BY doc_id
), sources AS (
    SELECT doc_id, count(DISTINCT other) AS other_documents FROM sides GROUP BY doc_id
)
SELECT d.doc_id, d.path, d.n_chars,
       coalesce(p.reused_chars, 0) AS reused_chars,
       round(coalesce(p.reused_chars, 0) / greatest(d.n_chars, 1), 3) AS share,
       coalesce(s.other_documents, 0) AS other_documents
FROM live_documents d
LEFT JOIN per_doc p USING (doc_id)
LEFT JOIN sources s USING (doc_id)
ORDER BY share DESC, d.path;
