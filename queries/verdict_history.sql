-- Every verdict ever given, newest first: who, when, the verdict and its note, the match it was
-- given on and the documents' paths at the time. Nothing here is ever overwritten.
SELECT verdict_id, reviewed_at, reviewer, verdict, note, match_id, path_a, path_b, match_key
FROM verdicts
ORDER BY verdict_id DESC;
