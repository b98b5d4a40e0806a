-- Reviewers' verdicts with the passages they apply to now. A verdict is keyed by both paths and
-- both passage texts (match_keys), so it survives rescans; live_match_id is NULL when the
-- passages are no longer found.
SELECT v.verdict, v.note, v.reviewed_at, v.path_a, v.path_b,
       v.match_id AS reviewed_match_id, r.match_id AS live_match_id,
       r.a_end - r.a_start AS chars
FROM verdicts v
LEFT JOIN reviewed_matches r USING (match_key)
ORDER BY v.reviewed_at DESC, v.path_a;
