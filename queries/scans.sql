-- Scan history: when, what it found, and with which software version.
SELECT scan_id, started, finished, status, n_files, n_new, n_changed, n_unchanged,
       n_deleted, n_errors, n_candidates, n_matches, rebuilt, version
FROM scans
ORDER BY scan_id DESC;
