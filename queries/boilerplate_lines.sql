-- Formulaic lines stored as boilerplate, with how many documents carry each.
-- Boilerplate is never reported as reuse; see README "Boilerplate".
SELECT
    substr(da.text, m.a_start + 1, m.a_end - m.a_start) AS line,
    count(DISTINCT m.doc_b) + 1 AS documents,
    min(da.path) AS example_path
FROM live_matches m
JOIN documents da ON da.doc_id = m.doc_a
WHERE m.kind = 'boilerplate'
GROUP BY line
ORDER BY documents DESC, line;
