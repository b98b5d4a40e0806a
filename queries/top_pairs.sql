-- Document pairs ranked by how much text they share (kind = 'reuse').
-- One row per pair: passages, reused characters in each document (original
-- code points, overlapping passages counted once per passage), mean similarity.
-- param: min_chars = 0
SELECT
    da.path AS path_a,
    db.path AS path_b,
    count(*) AS passages,
    sum(m.a_end - m.a_start) AS chars_a,
    sum(m.b_end - m.b_start) AS chars_b,
    round(sum(m.a_end - m.a_start) / da.n_chars, 3) AS share_a,
    round(sum(m.b_end - m.b_start) / db.n_chars, 3) AS share_b,
    round(avg(m.similarity), 3) AS mean_similarity
FROM live_matches m
JOIN documents da ON da.doc_id = m.doc_a
JOIN documents db ON db.doc_id = m.doc_b
WHERE m.kind = 'reuse' AND m.a_end - m.a_start >= $min_chars
GROUP BY da.path, db.path, da.n_chars, db.n_chars
ORDER BY chars_a + chars_b DESC, path_a, path_b;
