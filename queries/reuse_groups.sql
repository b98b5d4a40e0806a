-- Reuse groups, largest first: a passage reused across many documents (a stock paragraph copied
-- into 12 district reports is one group of 12), with each member's document and offsets.
-- Groups are stars of reuse matches: every member matches the group's centre, so groups
-- never chain (reuse.derive.groups); recomputed by every scan that changes matches.
-- param: min_documents = 2
SELECT g.group_id, g.n_documents, g.n_matches, round(g.mean_chars) AS mean_chars,
       d.path, m.start_offset, m.end_offset,
       m.excerpt
FROM groups g
JOIN group_members m USING (group_id)
JOIN documents d USING (doc_id)
WHERE g.n_documents >= $min_documents
ORDER BY g.group_id, d.path, m.start_offset;
