-- Every document ranked by the share of it found in other documents, as a duplicate-check service reports it.
-- share: every reused passage (reuse, boilerplate, quotations); share_excluding: without boilerplate
-- and quotations (passages at least 80% inside quotation marks); largest single source and its share.
-- Matches a reviewer marked 'ignored' are left out and counted in n_ignored.
-- param: min_share = 0
SELECT path, n_chars, doc_date,
       round(share, 3) AS share,
       round(share_excluding, 3) AS share_excluding,
       largest_source,
       round(largest_source_share, 3) AS largest_source_share,
       n_sources, n_ignored
FROM document_similarity
WHERE share >= $min_share
ORDER BY share DESC, share_excluding DESC, path;
