-- Formulaic lines (templates of kind 'boilerplate'), with how many documents carry each.
-- A line is formulaic when it is in data/boilerplate.list or in at least T documents;
-- it is never reported as reuse. See README "Stock text".
SELECT
    substr(d.text, t.rep_start + 1, t.rep_end - t.rep_start) AS line,
    t.n_documents AS documents,
    d.path AS example_path,
    t.template_id
FROM templates t
JOIN documents d ON d.doc_id = t.rep_doc
WHERE t.kind = 'boilerplate'
ORDER BY documents DESC, line;
