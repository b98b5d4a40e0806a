-- Matches whose only differences are place names (jieba part of speech ns: a place inserted,
-- deleted or replaced), e.g. a district speech republished with "在朝阳区" added.
-- Punctuation-only edits are ignored.
SELECT m.match_id, da.path AS path_a, db.path AS path_b, m.a_end - m.a_start AS chars,
       count(*) FILTER (WHERE e.category = 'place') AS place_edits,
       string_agg(e.op || ':' || e.old_text || '>' || e.new_text, ' | ' ORDER BY e.edit_no) AS edits
FROM live_matches m
JOIN edits e USING (match_id)
JOIN documents da ON da.doc_id = m.doc_a
JOIN documents db ON db.doc_id = m.doc_b
GROUP BY ALL
HAVING bool_and(e.category IN ('place', 'punctuation')) AND bool_or(e.category = 'place')
ORDER BY chars DESC, m.match_id;
