-- Stock text (templates of kind 'template'): text found in at least T documents, once each,
-- most documents first, with the earliest dated member and the representative's text.
-- Members are aligned to the representative, not pairwise. See README "Stock text".
-- param: min_documents = 2
WITH earliest AS (
    SELECT m.template_id, arg_min(d.path, (d.doc_date IS NULL, d.doc_date, d.path)) AS earliest_path,
           min(d.doc_date) AS earliest_date,
           arg_min(d.date_precision, d.doc_date) AS earliest_date_precision
    FROM template_members m JOIN live_documents d USING (doc_id)
    GROUP BY m.template_id
)
SELECT t.template_id, t.n_documents, t.n_members, e.earliest_path, e.earliest_date,
       e.earliest_date_precision,
       d.path AS representative, t.rep_start, t.rep_end,
       substr(d.text, t.rep_start + 1, least(t.rep_end - t.rep_start, 120)) AS text
FROM templates t
JOIN documents d ON d.doc_id = t.rep_doc
JOIN earliest e USING (template_id)
WHERE t.kind = 'template' AND t.n_documents >= $min_documents
ORDER BY t.template_id;
