-- Files rejected by scans (binary, undecodable, empty, too large, unreadable), newest first.
SELECT e.scan_id, e.path, e.stage, e.message, e.recorded_at
FROM errors e
ORDER BY e.scan_id DESC, e.path;
