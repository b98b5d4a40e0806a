-- Passages copied almost verbatim: similarity at least $min_similarity and at
-- least $min_chars characters long; the edit distance says how many characters differ.
-- param: min_similarity = 0.95
-- param: min_chars = 100
SELECT
    m.match_id, da.path AS path_a, db.path AS path_b,
    m.a_end - m.a_start AS chars, m.edit_distance, round(m.similarity, 3) AS similarity
FROM live_matches m
JOIN documents da ON da.doc_id = m.doc_a
JOIN documents db ON db.doc_id = m.doc_b
WHERE m.kind = 'reuse' AND m.similarity >= $min_similarity AND m.a_end - m.a_start >= $min_chars
ORDER BY chars DESC, m.match_id;
