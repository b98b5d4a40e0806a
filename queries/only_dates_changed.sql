-- Matches whose only differences are dates or times (a report reissued for another year or
-- meeting): every edit is classed 'date' (jieba part of speech t, or a date pattern) or punctuation.
SELECT m.match_id, da.path AS path_a, db.path AS path_b, m.a_end - m.a_start AS chars,
       string_agg(e.old_text || '>' || e.new_text, ' | ' ORDER BY e.edit_no) AS changes
FROM live_matches m
JOIN edits e USING (match_id)
JOIN documents da ON da.doc_id = m.doc_a
JOIN documents db ON db.doc_id = m.doc_b
GROUP BY ALL
HAVING bool_and(e.category IN ('date', 'punctuation')) AND bool_or(e.category = 'date')
ORDER BY chars DESC, m.match_id;
