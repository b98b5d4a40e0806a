-- The verdict that applies now to each reviewed pair of passages: the latest one, with the latest
-- note given, who gave it, when, and how many verdicts it has had. A verdict is keyed by both
-- documents and both passage texts (match_keys), so it survives rescans, renames and moves;
-- live_match_id is NULL when the passages are no longer found. Every verdict: verdict_history.
SELECT v.verdict, v.note, v.reviewer, v.reviewed_at, v.n_verdicts,
       da.path AS path_a, db.path AS path_b,
       v.match_id AS reviewed_match_id, r.match_id AS live_match_id,
       r.a_end - r.a_start AS chars
FROM current_verdicts v
LEFT JOIN reviewed_matches r USING (match_key)
LEFT JOIN documents da ON da.doc_id = v.doc_a
LEFT JOIN documents db ON db.doc_id = v.doc_b
ORDER BY v.reviewed_at DESC, path_a;
