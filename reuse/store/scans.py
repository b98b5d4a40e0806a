"""The scan history and the roots: ``scans`` (one row per scan, with its
counters), ``scan_attempts`` (one row per process that worked on a scan),
``errors`` (files rejected or read with a warning) and ``roots`` (the folders
scanned, by name)."""

from __future__ import annotations

import os
from collections.abc import Sequence

import duckdb

from reuse.store.connection import Connected, transaction, utc_now
from reuse.store.meta import GROUPS_STALE, mark_stale

__all__ = ["SCAN_COUNTERS", "RootTable", "ScanTables", "add_counts"]

#: Counters of ``scans`` that a scan adds to as it commits its work, so a scan
#: resumed after a kill reports what an uninterrupted one reports.
SCAN_COUNTERS = ("n_new", "n_changed", "n_sketched", "n_deleted", "n_renamed", "n_candidates")


def add_counts(con: duckdb.DuckDBPyConnection, scan_id: int, **counts: int) -> None:
    """Add to the scan's committed counters (call inside the transaction that
    commits the work counted)."""
    if counts:
        columns = ", ".join(f"{name} = {name} + ?" for name in counts)
        con.execute(f"UPDATE scans SET {columns} WHERE scan_id = ?", [*counts.values(), scan_id])


class ScanTables(Connected):
    """Reads and writes of ``scans``, ``scan_attempts`` and ``errors``."""

    def begin_scan(self, roots: Sequence[str], parameters: str, version: str) -> int:
        """Start a new scan (its first attempt); returns its ``scan_id``."""
        row = self.con.execute("SELECT coalesce(max(scan_id), 0) + 1 FROM scans").fetchone()
        scan_id = int(row[0]) if row else 1
        zeros = ", ".join("0" for _ in SCAN_COUNTERS)
        with transaction(self.con):
            self.con.execute(
                f"INSERT INTO scans (scan_id, started, status, roots, parameters, version, "
                f"rebuilt, {', '.join(SCAN_COUNTERS)}) "
                f"VALUES (?, ?, 'running', ?, ?, ?, false, {zeros})",
                [scan_id, utc_now(), list(roots), parameters, version],
            )
            self._begin_attempt(scan_id)
        return scan_id

    def unfinished_scan(self) -> tuple[int, list[str], str] | None:
        """``(scan_id, roots, parameters)`` of a scan still marked running (its
        process died: the caller holds the scan lock), or None."""
        row = self.con.execute(
            "SELECT scan_id, roots, parameters FROM scans WHERE status = 'running' "
            "ORDER BY scan_id DESC LIMIT 1"
        ).fetchone()
        return None if row is None else (int(row[0]), list(row[1] or []), str(row[2]))

    def resume_scan(self, scan_id: int) -> dict[str, int | bool]:
        """Continue an unfinished scan in a new attempt: the attempts still
        running are closed as failed, the scan's rejected-file rows are dropped
        (the walk records them again); returns the counters committed so far."""
        with transaction(self.con):
            self.con.execute(
                "UPDATE scan_attempts SET status = 'failed', finished = ?, message = "
                "'interrupted: the process ended before the scan was complete (killed?)' "
                "WHERE scan_id = ? AND status = 'running'",
                [utc_now(), scan_id],
            )
            self.con.execute("DELETE FROM errors WHERE scan_id = ?", [scan_id])
            self._begin_attempt(scan_id)
        row = self.con.execute(
            f"SELECT rebuilt, {', '.join(SCAN_COUNTERS)} FROM scans WHERE scan_id = ?", [scan_id]
        ).fetchone()
        assert row is not None
        return {"rebuilt": bool(row[0]), **dict(zip(SCAN_COUNTERS, (int(v or 0) for v in row[1:])))}

    def _begin_attempt(self, scan_id: int) -> None:
        self.con.execute(
            "INSERT INTO scan_attempts SELECT ?, coalesce(max(attempt), 0) + 1, ?, NULL, "
            "'running', NULL, ? FROM scan_attempts WHERE scan_id = ?",
            [scan_id, utc_now(), os.getpid(), scan_id],
        )

    def fail_attempt(self, scan_id: int, message: str) -> None:
        """Close this process's attempt at a scan as failed (the scan stays
        unfinished, for the next run to resume)."""
        self.con.execute(
            "UPDATE scan_attempts SET status = 'failed', finished = ?, message = ? "
            "WHERE scan_id = ? AND status = 'running' AND pid = ?",
            [utc_now(), message[:2000], scan_id, os.getpid()],
        )

    def add_counts(self, scan_id: int, **counts: int) -> None:
        """Add to the scan's committed counters (call inside the transaction
        that commits the work counted)."""
        add_counts(self.con, scan_id, **counts)

    def finish_scan(self, scan_id: int, status: str, counts: dict[str, int | bool]) -> None:
        columns = ", ".join(f"{name} = ?" for name in counts)
        with transaction(self.con):
            self.con.execute(
                f"UPDATE scans SET finished = ?, status = ?, {columns} WHERE scan_id = ?",
                [utc_now(), status, *counts.values(), scan_id],
            )
            self.con.execute(
                "UPDATE scan_attempts SET status = 'ok', finished = ? "
                "WHERE scan_id = ? AND status = 'running'",
                [utc_now(), scan_id],
            )

    def record_error(
        self, scan_id: int, path: str, stage: str, message: str, severity: str = "error"
    ) -> None:
        """A rejected file (``severity`` 'error') or one read with a warning."""
        self.con.execute(
            "INSERT INTO errors SELECT coalesce(max(error_id), 0) + 1, ?, ?, ?, ?, ?, ? "
            "FROM errors",
            [scan_id, path, stage, message, utc_now(), severity],
        )


class RootTable(Connected):
    """Reads and writes of ``roots`` (and the paths of a root's documents)."""

    def roots(self) -> dict[str, str]:
        """Known roots: name -> location (as the operating system spells it)."""
        from reuse.ingest.paths import unescape_path

        rows = self.con.execute("SELECT name, location FROM roots").fetchall()
        return {name: unescape_path(location) for name, location in rows}

    def root_sizes(self, name: str) -> dict[str, int]:
        """Identity -> size in bytes of the live documents of one root."""
        return dict(
            self.con.execute(
                "SELECT path, n_bytes FROM live_documents WHERE starts_with(path, ?)",
                [name + "/"],
            ).fetchall()
        )

    def absorb_root(self, name: str, prefix: str) -> None:
        """The documents of root ``name`` move under ``prefix`` (a root that holds
        its folder), keeping their ids; the root is forgotten."""
        with transaction(self.con):
            self.con.execute(
                "UPDATE documents SET path = ? || substr(path, ?) WHERE starts_with(path, ?)",
                [prefix, len(name) + 1, name + "/"],
            )
            self.con.execute("DELETE FROM roots WHERE name = ?", [name])
            mark_stale(self.con, GROUPS_STALE)

    def save_roots(self, roots: Sequence[tuple[str, str]], scan_id: int) -> None:
        """Record the roots of a scan: (name, location as the operating system spells it)."""
        from reuse.ingest.paths import escape_path

        for name, location in roots:
            self.con.execute(
                "INSERT INTO roots VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE "
                "SET location = excluded.location, last_scan = excluded.last_scan",
                [name, escape_path(location), scan_id, scan_id],
            )
