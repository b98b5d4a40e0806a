-- What the differences inside reused passages are: edits counted by category and operation
-- (substitute, insert = only in B, delete = only in A), with an example of each.
SELECT e.category, e.op, count(*) AS edits, count(DISTINCT e.match_id) AS matches,
       any_value(e.old_text || '>' || e.new_text) AS example
FROM edits e
JOIN live_matches m USING (match_id)
GROUP BY e.category, e.op
ORDER BY edits DESC, e.category, e.op;
