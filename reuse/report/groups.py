"""The group report (``reuse groups``): passages reused across many documents,
largest group first (tables ``groups``, ``group_members``).

A group is a passage and the passages that reuse it: every member matches the
group's centre (:mod:`reuse.derive.groups`). Offsets are code-point offsets
into the members' original texts; a member's excerpt is its first 80
characters.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import duckdb


@dataclass(frozen=True)
class GroupMember:
    """One passage of a group: its document, span and the start of its text."""

    doc_id: int
    path: str
    start: int
    end: int
    excerpt: str  #: the first 80 characters of the passage


@dataclass(frozen=True)
class ReuseGroup:
    """One reuse group: its figures and members (by path and offset)."""

    group_id: int
    n_documents: int
    n_members: int
    n_matches: int
    mean_chars: float  #: mean passage length, rounded to 0.1 character
    members: list[GroupMember]


def read_groups(
    con: duckdb.DuckDBPyConnection, limit: int | None = None, min_documents: int = 2
) -> list[ReuseGroup]:
    """Reuse groups of at least ``min_documents`` documents, by id, at most
    ``limit`` (None or 0: all), each with its members."""
    groups = con.execute(
        "SELECT group_id, n_documents, n_members, n_matches, mean_chars FROM groups "
        "WHERE n_documents >= ? ORDER BY group_id" + (f" LIMIT {int(limit)}" if limit else ""),
        [min_documents],
    ).fetchall()
    members = con.execute(
        "SELECT g.group_id, g.doc_id, d.path, g.start_offset, g.end_offset, "
        "substr(d.text, g.start_offset + 1, least(g.end_offset - g.start_offset, 80)) "
        "FROM group_members g JOIN documents d USING (doc_id) "
        "WHERE g.group_id IN (SELECT unnest(?)) ORDER BY g.group_id, d.path, g.start_offset",
        [[g[0] for g in groups]],
    ).fetchall()
    by_group: dict[int, list[GroupMember]] = {}
    for gid, *member in members:
        by_group.setdefault(gid, []).append(GroupMember(*member))
    return [
        ReuseGroup(
            group_id=gid,
            n_documents=n_docs,
            n_members=n_members,
            n_matches=n_matches,
            mean_chars=round(float(mean_chars), 1),
            members=by_group.get(gid, []),
        )
        for gid, n_docs, n_members, n_matches, mean_chars in groups
    ]


def group_report(
    con: duckdb.DuckDBPyConnection, limit: int | None = None, min_documents: int = 2
) -> list[dict[str, Any]]:
    """Reuse groups, largest first, each with its members (path, offsets, a text
    excerpt), as ``reuse groups --format json`` prints them."""
    return [dataclasses.asdict(g) for g in read_groups(con, limit, min_documents)]
