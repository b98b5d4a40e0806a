-- Every reused passage with the text of both sides, longest first.
-- Offsets are 0-based, end-exclusive code points of documents.text.
-- param: min_chars = 50
SELECT
    m.match_id,
    da.path AS path_a, m.a_start, m.a_end,
    db.path AS path_b, m.b_start, m.b_end,
    round(m.similarity, 3) AS similarity, m.edit_distance,
    substr(da.text, m.a_start + 1, m.a_end - m.a_start) AS text_a,
    substr(db.text, m.b_start + 1, m.b_end - m.b_start) AS text_b
FROM live_matches m
JOIN documents da ON da.doc_id = m.doc_a
JOIN documents db ON db.doc_id = m.doc_b
WHERE m.kind = 'reuse' AND m.a_end - m.a_start >= $min_chars
ORDER BY m.a_end - m.a_start DESC, m.match_id;
