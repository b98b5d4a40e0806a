-- Reused segments with inserted page furniture: photo captions, bylines or page numbers that one
-- document adds inside the shared text (the marks of a speech republished as a news article).
-- param: category = %
SELECT e.match_id, e.category, e.op,
       CASE e.op WHEN 'insert' THEN db.path ELSE da.path END AS inserted_in,
       CASE e.op WHEN 'insert' THEN e.b_start ELSE e.a_start END AS at_offset,
       CASE e.op WHEN 'insert' THEN e.new_text ELSE e.old_text END AS inserted_text
FROM edits e
JOIN live_matches m USING (match_id)
JOIN documents da ON da.doc_id = m.doc_a
JOIN documents db ON db.doc_id = m.doc_b
WHERE e.category IN ('caption', 'byline', 'page_number')
  AND e.op IN ('insert', 'delete')
  AND e.category LIKE $category
ORDER BY e.match_id, e.edit_no;
