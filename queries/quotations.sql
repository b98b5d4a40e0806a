-- Matched passages that are quotations: at least 80% of the passage lies inside quotation marks
-- (“…”, 「…」, 『…』) in the quoting document. They are marked, not hidden, and left out of
-- document_similarity.share_excluding.
SELECT s.match_id, d.path AS quoting_document, o.path AS quoted_document,
       s.start_offset, s.end_offset,
       round(s.quoted_chars / (s.end_offset - s.start_offset), 2) AS inside_marks,
       substr(d.text, s.start_offset + 1, least(s.end_offset - s.start_offset, 60)) AS excerpt
FROM match_sides s
JOIN documents d ON d.doc_id = s.doc_id
JOIN documents o ON o.doc_id = s.other_doc
WHERE s.side_kind = 'quotation'
ORDER BY s.end_offset - s.start_offset DESC, s.match_id;
