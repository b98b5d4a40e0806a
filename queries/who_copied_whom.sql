-- Who copied from whom: per document pair with reuse, the likely source, the copy and the evidence
-- (the earlier document date, from file metadata, the file name or the text, two dates compared at
-- the coarser precision of the two: a year, a month or a day, so 2025 and 2025-03-05 do not decide;
-- else the side the other adds a byline or photo caption to). NULL source: no evidence either way.
SELECT CASE p.likely_source WHEN 'a' THEN p.path_a WHEN 'b' THEN p.path_b END AS source,
       CASE p.likely_source WHEN 'a' THEN p.path_b WHEN 'b' THEN p.path_a END AS copy,
       arg_max(p.evidence, m.a_end - m.a_start) AS evidence,
       count(*) AS matches,
       sum(m.a_end - m.a_start) AS reused_chars
FROM match_provenance p
JOIN live_matches m USING (match_id)
WHERE m.kind = 'reuse'
GROUP BY p.path_a, p.path_b, p.likely_source
ORDER BY reused_chars DESC, source;
