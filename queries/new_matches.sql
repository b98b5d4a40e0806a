-- Reuse found for the first time by the latest finished scan ("what is new since last night").
-- Matches a reviewer marked 'ignored' (e.g. an approved template) are left out.
SELECT
    m.match_id, da.path AS path_a, db.path AS path_b,
    m.a_end - m.a_start AS chars, round(m.similarity, 3) AS similarity, m.first_seen_scan
FROM reviewed_matches m
JOIN documents da ON da.doc_id = m.doc_a
JOIN documents db ON db.doc_id = m.doc_b
WHERE m.kind = 'reuse'
  AND m.verdict IS DISTINCT FROM 'ignored'
  AND m.first_seen_scan = (SELECT max(scan_id) FROM scans WHERE finished IS NOT NULL)
ORDER BY chars DESC, m.match_id;
