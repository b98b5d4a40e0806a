-- Which documents share text with a document (path LIKE $doc), and how: one row per other
-- document and kind (reuse, quotation, template, boilerplate) from the view shared_spans,
-- templates expanded to the pairs of their members. Characters are of the named document.
-- param: doc = %004_%
WITH target AS (
    SELECT doc_id FROM live_documents WHERE path LIKE $doc
), sides AS (
    SELECT s.doc_a AS doc_id, s.a_start AS s, s.a_end AS e, s.doc_b AS other, s.kind
    FROM shared_spans s WHERE s.doc_a IN (SELECT doc_id FROM target)
    UNION ALL
    SELECT s.doc_b, s.b_start, s.b_end, s.doc_a, s.kind
    FROM shared_spans s WHERE s.doc_b IN (SELECT doc_id FROM target)
)
SELECT d.path, o.path AS other_path, x.kind, count(*) AS spans,
       sum(x.e - x.s) AS chars, min(x.s) AS first_start
FROM sides x
JOIN documents d ON d.doc_id = x.doc_id
JOIN documents o ON o.doc_id = x.other
GROUP BY d.path, o.path, x.kind
ORDER BY d.path, CASE x.kind WHEN 'reuse' THEN 0 WHEN 'quotation' THEN 1 WHEN 'template' THEN 2
                            ELSE 3 END, chars DESC, other_path;
