"""Stage 9: reports read from the store (never written to it).

Everything here works on a read-only DuckDB connection and returns plain data
(dicts and lists, the shape of ``--format json``); :mod:`reuse.cli` renders it.

Shares are measured on normalised characters: the share of document A reused
in a pair is ``|union of A's reuse spans| / n_norm_chars(A)``, so white space
and line breaks count for nothing in either direction.

Differences inside a passage are the Levenshtein edit script of the two
normalised passages (rapidfuzz ``opcodes``), mapped back to the original
text: each entry is ``[op, a_start, a_end, b_start, b_end]`` in original
offsets, ``op`` one of ``equal``, ``replace``, ``delete`` (only in A),
``insert`` (only in B).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
from rapidfuzz.distance import Levenshtein

from reuse.errors import QueryError
from reuse.normalise import NormalisedText, normalise

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"


def union_length(spans: Iterable[tuple[int, int]]) -> int:
    """Characters covered by the union of ``[start, end)`` spans.

    >>> union_length([(0, 10), (5, 15), (20, 25)])
    20
    """
    total = 0
    cur_s = cur_e = None
    for s, e in sorted(spans):
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None:
        total += cur_e - cur_s
    return total


def resolve_document(con: duckdb.DuckDBPyConnection, path: str) -> int:
    """doc_id of a live document given its path, absolute or relative, or its file name."""
    absolute = os.path.abspath(path)
    row = con.execute("SELECT doc_id FROM live_documents WHERE path = ?", [absolute]).fetchone()
    if row:
        return int(row[0])
    name = Path(path).as_posix().lstrip("./")
    rows = con.execute(
        "SELECT doc_id, path FROM live_documents WHERE path = ? OR ends_with(path, ?) "
        "ORDER BY path",
        [name, "/" + name],
    ).fetchall()
    if len(rows) == 1:
        return int(rows[0][0])
    if not rows:
        raise QueryError(f"no scanned document matches {path!r}")
    raise QueryError(
        f"{path!r} matches {len(rows)} documents ({rows[0][1]}, {rows[1][1]}, ...); "
        "give more of the path"
    )


def _diff(
    na: NormalisedText, a0: int, a1: int, nb: NormalisedText, b0: int, b1: int
) -> list[list[Any]]:
    """Edit script of two normalised passages, in original offsets."""
    out: list[list[Any]] = []

    def orig(norm: NormalisedText, s: int, e: int, base: int) -> tuple[int, int]:
        if e > s:
            return norm.to_original(base + s, base + e)
        # An empty range sits before the character at s (or after the passage).
        pos = base + s
        if pos < len(norm.text):
            at = int(norm.origin[pos])
        else:
            at = int(norm.origin[pos - 1]) + 1
        return at, at

    # Adjacent non-equal operations are one difference ("。" -> "无锡" is one
    # replacement, not a replacement and an insertion).
    merged: list[list[Any]] = []
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(na.text[a0:a1], nb.text[b0:b1]):
        if merged and tag != "equal" and merged[-1][0] != "equal":
            merged[-1][2], merged[-1][4] = i2, j2
        else:
            merged.append([tag, i1, i2, j1, j2])
    for tag, i1, i2, j1, j2 in merged:
        if tag != "equal":
            tag = "replace" if i2 > i1 and j2 > j1 else ("delete" if i2 > i1 else "insert")
        sa, ea = orig(na, i1, i2, a0)
        sb, eb = orig(nb, j1, j2, b0)
        out.append([tag, sa, ea, sb, eb])
    return out


_MATCH_COLUMNS = (
    "match_id, doc_a, a_start, a_end, doc_b, b_start, b_end, similarity, edit_distance, "
    "kind, a_norm_start, a_norm_end, b_norm_start, b_norm_end, first_seen_scan"
)


def _match_dicts(rows: list[tuple]) -> list[dict[str, Any]]:
    names = [c.strip() for c in _MATCH_COLUMNS.split(",")]
    return [dict(zip(names, r)) for r in rows]


def pair_report(
    con: duckdb.DuckDBPyConnection,
    doc: str | None = None,
    min_chars: int = 0,
    kind: str = "reuse",
    with_text: bool = True,
    limit: int | None = None,
) -> dict[str, Any]:
    """Document pairs with reuse, most reused first, each with its passages.

    Args:
        doc: only pairs involving this document (path or file name).
        min_chars: only passages of at least this many original characters (in A).
        kind: ``'reuse'`` (default), ``'boilerplate'`` or ``'all'``.
        with_text: include the passages' text and differences.
        limit: at most this many pairs.

    Returns:
        ``{"documents": n, "pairs": [...]}`` (see README, "JSON output").
    """
    params: list[Any] = [min_chars]
    where = "a_end - a_start >= ?"
    if kind != "all":
        where += " AND kind = ?"
        params.append(kind)
    doc_id = None
    if doc is not None:
        doc_id = resolve_document(con, doc)
        where += " AND (doc_a = ? OR doc_b = ?)"
        params += [doc_id, doc_id]
    matches = _match_dicts(
        con.execute(
            f"SELECT {_MATCH_COLUMNS} FROM live_matches WHERE {where} "
            "ORDER BY doc_a, doc_b, a_start, b_start",
            params,
        ).fetchall()
    )
    docs = {
        r[0]: {"doc_id": r[0], "path": r[1], "n_chars": r[2], "n_norm_chars": r[3]}
        for r in con.execute("SELECT doc_id, path, n_chars, n_norm_chars FROM documents").fetchall()
    }
    pairs: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for m in matches:
        pairs.setdefault((m["doc_a"], m["doc_b"]), []).append(m)
    out = []
    norm_cache: dict[int, tuple[str, NormalisedText]] = {}

    def text_of(d: int) -> tuple[str, NormalisedText]:
        if d not in norm_cache:
            row = con.execute("SELECT text FROM documents WHERE doc_id = ?", [d]).fetchone()
            text = str(row[0]) if row else ""
            norm_cache[d] = (text, normalise(text))
        return norm_cache[d]

    for (a, b), ms in pairs.items():
        da, db = docs[a], docs[b]
        reused_a = union_length((m["a_norm_start"], m["a_norm_end"]) for m in ms)
        reused_b = union_length((m["b_norm_start"], m["b_norm_end"]) for m in ms)
        entry: dict[str, Any] = {
            "doc_a": {
                **da,
                "reused_chars": reused_a,
                "share": reused_a / da["n_norm_chars"] if da["n_norm_chars"] else 0.0,
            },
            "doc_b": {
                **db,
                "reused_chars": reused_b,
                "share": reused_b / db["n_norm_chars"] if db["n_norm_chars"] else 0.0,
            },
            "matches": [],
        }
        for m in ms:
            item = {
                k: m[k]
                for k in (
                    "match_id",
                    "a_start",
                    "a_end",
                    "b_start",
                    "b_end",
                    "similarity",
                    "edit_distance",
                    "kind",
                )
            }
            if with_text:
                ta, na = text_of(a)
                tb, nb = text_of(b)
                item["text_a"] = ta[m["a_start"] : m["a_end"]]
                item["text_b"] = tb[m["b_start"] : m["b_end"]]
                item["diff"] = _diff(
                    na, m["a_norm_start"], m["a_norm_end"], nb, m["b_norm_start"], m["b_norm_end"]
                )
            entry["matches"].append(item)
        out.append(entry)
    out.sort(
        key=lambda e: (
            -max(e["doc_a"]["share"], e["doc_b"]["share"]),
            e["doc_a"]["path"],
            e["doc_b"]["path"],
        )
    )
    if limit is not None:
        out = out[:limit]
    n_docs = con.execute("SELECT count(*) FROM live_documents").fetchone()
    return {"documents": int(n_docs[0]) if n_docs else 0, "doc_id": doc_id, "pairs": out}


def match_detail(
    con: duckdb.DuckDBPyConnection, match_id: int, context: int = 40
) -> dict[str, Any]:
    """One match with both passages, their context and differences."""
    rows = con.execute(
        f"SELECT {_MATCH_COLUMNS} FROM matches WHERE match_id = ?", [match_id]
    ).fetchall()
    if not rows:
        raise QueryError(f"no match with id {match_id}")
    m = _match_dicts(rows)[0]
    out: dict[str, Any] = dict(m)
    norms = {}
    for side in ("a", "b"):
        doc_id = m[f"doc_{side}"]
        path, text = con.execute(
            "SELECT path, text FROM documents WHERE doc_id = ?", [doc_id]
        ).fetchone() or ("?", "")
        s, e = m[f"{side}_start"], m[f"{side}_end"]
        norms[side] = normalise(text)
        out[f"path_{side}"] = path
        out[f"text_{side}"] = text[s:e]
        out[f"before_{side}"] = text[max(0, s - context) : s]
        out[f"after_{side}"] = text[e : e + context]
    out["diff"] = _diff(
        norms["a"],
        m["a_norm_start"],
        m["a_norm_end"],
        norms["b"],
        m["b_norm_start"],
        m["b_norm_end"],
    )
    return out


def find_query(name_or_file_or_sql: str, queries_dir: Path = QUERIES_DIR) -> tuple[str, str]:
    """``(label, sql)`` for a query given by name (``queries/NAME.sql``), file, or SQL text."""
    arg = name_or_file_or_sql.strip()
    if any(ch.isspace() for ch in arg) and not arg.endswith(".sql"):
        return "sql", arg
    candidate = queries_dir / f"{arg}.sql"
    if "/" not in arg and candidate.is_file():
        return arg, candidate.read_text(encoding="utf-8")
    if arg.endswith(".sql") and Path(arg).is_file():
        return arg, Path(arg).read_text(encoding="utf-8")
    known = ", ".join(available_queries(queries_dir)) or "none"
    raise QueryError(f"no query named {arg!r} (known: {known}) and it is not a file or SQL")


def available_queries(queries_dir: Path = QUERIES_DIR) -> list[str]:
    return sorted(p.stem for p in queries_dir.glob("*.sql")) if queries_dir.is_dir() else []


def query_description(sql: str) -> str:
    """The header comment of a query file (leading ``--`` lines)."""
    lines = []
    for line in sql.splitlines():
        if line.startswith("--"):
            lines.append(line[2:].strip())
        elif line.strip():
            break
    return "\n".join(lines)


def query_defaults(sql: str) -> dict[str, Any]:
    r"""Parameter defaults declared in a query's header as ``-- param: NAME = VALUE``.

    >>> query_defaults("-- param: min_chars = 50\n-- param: kind = reuse\nSELECT 1")
    {'min_chars': 50, 'kind': 'reuse'}
    """
    out: dict[str, Any] = {}
    for line in sql.splitlines():
        if line.startswith("-- param:"):
            name, _, value = line[len("-- param:") :].partition("=")
            out[name.strip()] = _literal(value.strip())
    return out


def _literal(value: str) -> Any:
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


def run_query(
    db_path: str, sql: str, params: dict[str, Any] | None = None
) -> tuple[list[str], list[tuple]]:
    """Run ``sql`` on a read-only connection; returns ``(column names, rows)``.

    ``$NAME`` parameters take their values from ``params``, else from the
    query's ``-- param:`` defaults. Statements that write (DROP, UPDATE,
    INSERT, ...) fail: the connection is read-only, so DuckDB refuses them
    and nothing changes.
    """
    if not Path(db_path).exists():
        raise QueryError(f"no database at {db_path}; run 'reuse scan' first")
    values = {**query_defaults(sql), **{k: _literal(str(v)) for k, v in (params or {}).items()}}
    con = duckdb.connect(db_path, read_only=True)
    try:
        used = {k: v for k, v in values.items() if f"${k}" in sql}
        try:
            cur = con.execute(sql, used) if used else con.execute(sql)
        except duckdb.Error as exc:
            message = str(exc).splitlines()[0]
            if "read-only" in message.lower():
                raise QueryError(
                    f"refused: the query would write to the database ({message})"
                ) from exc
            raise QueryError(message) from exc
        if cur.description is None:
            return [], []
        columns = [d[0] for d in cur.description]
        return columns, cur.fetchall()
    finally:
        con.close()
