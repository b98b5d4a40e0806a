-- The share of each document copied from others, and where every other character went:
-- each character of documents.text is in one class (boilerplate, template, quoted, copied,
-- changed; the first that applies, reuse.store.shares); share = copied_chars / n_chars, the figure
-- every report shows. Ignored matches count for nothing. Documents without reuse have share 0.
SELECT d.doc_id, d.path, d.n_chars,
       s.copied_chars, s.changed_chars, s.quoted_chars, s.template_chars, s.boilerplate_chars,
       round(s.share, 3) AS share,
       s.n_sources,
       src.path AS largest_source
FROM live_documents d
JOIN document_shares s USING (doc_id)
LEFT JOIN documents src ON src.doc_id = s.largest_source
ORDER BY s.share DESC, d.path;
