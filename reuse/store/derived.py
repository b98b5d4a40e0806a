"""The tables derived from the matches, written: templates and their members
(with the kinds of the matches they explain), the edits of each aligned match,
the documents' shares, and the reuse groups.

Each is replaced whole (or per match, for edits) in one transaction that also
clears or sets the stale marks of :mod:`reuse.store.meta`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import pyarrow as pa

from reuse.store.connection import Connected, insert_arrow, registered, rows_table, transaction
from reuse.store.document_reads import texts_of
from reuse.store.meta import GROUPS_STALE, LABELS_STALE, SHARES_STALE, clear_stale, mark_stale
from reuse.store.tables import (
    EDITS,
    EXCERPT_CHARS,
    GROUP_MATCHES,
    GROUP_MEMBERS,
    GROUPS,
    MATCHES,
)

__all__ = ["EDIT_SCHEMA", "DerivedTables", "MatchToType"]


class MatchToType(NamedTuple):
    """A match whose typed edits are to be computed: its id and the normalised
    spans ``[a_norm_start, a_norm_end)`` of ``doc_a`` and ``[b_norm_start,
    b_norm_end)`` of ``doc_b``."""

    match_id: int
    doc_a: int
    a_norm_start: int
    a_norm_end: int
    doc_b: int
    b_norm_start: int
    b_norm_end: int


#: Rows of the ``edits`` table, in its column order (:meth:`DerivedTables.write_edits`).
EDIT_SCHEMA = EDITS.arrow_schema()


class DerivedTables(Connected):
    """Writes of ``templates``, ``template_members``, ``edits``, ``document_shares``,
    ``document_sources``, ``groups``, ``group_members`` and ``group_matches``."""

    def write_templates(
        self, tables: tuple[pa.Table, pa.Table], kinds: Sequence[tuple[int, str]]
    ) -> None:
        """Replace the templates and their members, set the ``kind`` of the
        matches in ``kinds`` (``(match_id, kind)``), clear the labels' stale mark."""
        templates, members = tables
        con = self.con
        with transaction(con):
            con.execute("DELETE FROM templates")
            con.execute("DELETE FROM template_members")
            with registered(con, new_templates=templates):
                con.execute(
                    "INSERT INTO templates SELECT t.template_id, t.kind, t.rep_doc, t.rep_start, "
                    "t.rep_end, t.n_documents, t.n_members, md5(d.path || chr(31) || "
                    "substr(d.text, t.rep_start + 1, t.rep_end - t.rep_start)) "
                    "FROM new_templates t JOIN documents d ON d.doc_id = t.rep_doc"
                )
            insert_arrow(con, "template_members", members)
            if kinds:
                new_kinds = rows_table(list(kinds), MATCHES.arrow_schema(("match_id", "kind")))
                with registered(con, new_kinds=new_kinds):
                    con.execute(
                        "UPDATE matches m SET kind = k.kind FROM new_kinds k "
                        "WHERE m.match_id = k.match_id"
                    )
            clear_stale(con, LABELS_STALE)
            mark_stale(con, GROUPS_STALE)
            mark_stale(con, SHARES_STALE)

    def matches_without_edits(self) -> list[MatchToType]:
        """Live aligned matches whose edits are not computed yet (reuse, and the
        members of templates against their representative), in (doc_a, doc_b,
        match_id) order."""
        rows = self.con.execute(
            "SELECT match_id, doc_a, a_norm_start, a_norm_end, doc_b, b_norm_start, b_norm_end "
            "FROM live_matches WHERE source = 'align' AND n_edits IS NULL "
            "AND (kind = 'reuse' OR match_id IN (SELECT match_id FROM template_members)) "
            "ORDER BY doc_a, doc_b, match_id"
        ).fetchall()
        return [MatchToType(*row) for row in rows]

    def write_edits(self, match_ids: Sequence[int], edits: pa.Table) -> None:
        """Store the edits of ``match_ids`` (replacing any) and their counts, atomically."""
        con = self.con
        with transaction(con):
            ids = list(match_ids)
            con.execute("DELETE FROM edits WHERE match_id IN (SELECT unnest(?))", [ids])
            insert_arrow(con, "edits", edits)
            con.execute(
                "UPDATE matches m SET n_edits = coalesce(c.n, 0) FROM "
                "(SELECT unnest(?) AS match_id) t LEFT JOIN "
                "(SELECT match_id, count(*) AS n FROM edits "
                " WHERE match_id IN (SELECT unnest(?)) GROUP BY match_id) c USING (match_id) "
                "WHERE m.match_id = t.match_id",
                [ids, ids],
            )
            mark_stale(con, SHARES_STALE)

    def write_shares(self) -> int:
        """Recompute every document's shares (:mod:`reuse.store.shares`), atomically,
        and clear their stale mark; returns the number of documents."""
        from reuse.store.shares import derive_shares

        with transaction(self.con):
            n = derive_shares(self.con)
            clear_stale(self.con, SHARES_STALE)
        return n

    def write_groups(self, groups: Sequence) -> None:
        """Replace the reuse groups (:class:`reuse.derive.groups.ReuseGroup`) and clear
        the stale mark, atomically."""
        con = self.con
        group_rows = [
            (
                g.group_no,
                g.n_documents,
                len(g.members),
                len(g.match_ids),
                sum(m.end - m.start for m in g.members) / len(g.members),
            )
            for g in groups
        ]
        texts = texts_of(con, (m.doc_id for g in groups for m in g.members))
        member_rows = [
            (g.group_no, m.doc_id, m.start, m.end, _excerpt(texts[m.doc_id], m.start, m.end))
            for g in groups
            for m in g.members
        ]
        match_rows = [(g.group_no, mid) for g in groups for mid in g.match_ids]
        with transaction(con):
            con.execute("DELETE FROM groups")
            con.execute("DELETE FROM group_members")
            con.execute("DELETE FROM group_matches")
            insert_arrow(con, "groups", rows_table(group_rows, GROUPS.arrow_schema()))
            insert_arrow(
                con, "group_members", rows_table(member_rows, GROUP_MEMBERS.arrow_schema())
            )
            insert_arrow(con, "group_matches", rows_table(match_rows, GROUP_MATCHES.arrow_schema()))
            clear_stale(con, GROUPS_STALE)


def _excerpt(text: str, start: int, end: int) -> str:
    """The first :data:`EXCERPT_CHARS` characters of ``text[start:end]`` (code points,
    as ``substr`` counts them)."""
    return text[start : min(end, start + EXCERPT_CHARS)]
