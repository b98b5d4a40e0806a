"""The HTML report's pages: the index, one page per document pair, and writing them.

:func:`write_report` is :func:`reuse.report.html.write_html_report` (the rule
for one file or a folder is in its docstring): it checks the output, reads
everything from the connection (:func:`report_data`: the pairs of
:func:`reuse.report.reports.pair_report`, most copied first, the corpus overview of
:func:`reuse.report.reports.corpus_similarity` and the typed edits of table ``edits``),
renders the pages and writes them: one file through :func:`reuse.report.outputs.open_output`,
a folder built beside the output and renamed into place (:func:`_write_folder`).

The page layouts (header, filter box, overview, pair list, notice of pairs
left out) are shared by the one-file report (:func:`render_single_page`) and
the folder's ``index.html`` (:func:`render_index`); a pair page
(:func:`render_pair_page`) is the pair's section of the one-file report with a
link back to the index and to the previous and next pairs. Every page is
self-contained (inline style and script, the same CSP).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shlex
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from reuse.errors import OutputError, OutputWriteError
from reuse.report.html import PathDisplay, _esc, _legend, _num, _pair_html, _pct, page
from reuse.report.outputs import check_output, open_output
from reuse.report.reports import HTML_MAX_PAIRS, corpus_similarity, pair_report

__all__ = [
    "HtmlReportResult",
    "is_folder_output",
    "render_index",
    "render_pair_page",
    "render_single_page",
    "report_data",
    "write_report",
]

#: Names of the pair pages in a report folder (``pairs/0001.html``).
PAIR_PAGE = re.compile(r"^\d{4,}\.html$")


# --- pieces of the index -------------------------------------------------------------------


def _int(value: Any) -> str:
    """A count with thousands separators.

    >>> _int(12345.0)
    '12,345'
    """
    return f"{int(_num(value)):,}"


def _num_cell(value: Any, shown: str) -> str:
    return f'<td class="num" data-value="{_num(value)!r}">{shown}</td>'


def _copied(side: dict[str, Any]) -> int:
    """Characters of one side of a pair copied from the other."""
    if side.get("reused_chars") is not None:
        return int(_num(side["reused_chars"]))
    return round(_num(side.get("share")) * len(str(side.get("text") or "")))


def _pair_key(a: Any, b: Any) -> frozenset:
    return frozenset((a, b))


def _overview_html(
    overview: Sequence[dict[str, Any]],
    paths: PathDisplay,
    hrefs: Sequence[str],
    pairs: Sequence[dict[str, Any]],
) -> str:
    """The corpus overview: one row per document, by share copied, largest first.

    A document links to its first pair in the list, its largest source to that
    pair, and its number of pairs fills the filter box with its path.
    """
    if not overview:
        return '<p class="meta">No documents.</p>'
    first: dict[Any, str] = {}
    n_pairs: dict[Any, int] = {}
    by_key: dict[frozenset, str] = {}
    for pair, href in zip(pairs, hrefs):
        ids = [(pair.get(s) or {}).get("doc_id") for s in ("doc_a", "doc_b")]
        by_key.setdefault(_pair_key(*ids), href)
        for doc_id in ids:
            first.setdefault(doc_id, href)
            n_pairs[doc_id] = n_pairs.get(doc_id, 0) + 1
    head = (
        '<th data-type="text">Document</th>'
        '<th class="num" data-type="num" aria-sort="descending" '
        'title="characters copied from other documents over all characters">Share copied</th>'
        '<th class="num" data-type="num" title="characters copied from other documents">'
        "Copied</th>"
        '<th class="num" data-type="num" title="characters in stock text (templates)">'
        "Stock</th>"
        '<th class="num" data-type="num">Characters</th>'
        '<th data-type="text">Largest source</th>'
        '<th class="num" data-type="num" title="share of the document copied from its '
        'largest source">Its share</th>'
        '<th class="num" data-type="num" title="documents it copies from">Sources</th>'
        '<th class="num" data-type="num" title="document pairs in this report; click to '
        'filter the pair list">Pairs</th>'
    )
    # Ignored passages (a reviewer's verdict) get a column only when there are some.
    with_ignored = any(_num(r.get("suppressed")) for r in overview)
    if with_ignored:
        head += (
            '<th class="num" data-type="num" title="passages a reviewer marked ignored '
            '(left out)">Ignored</th>'
        )
    rows = []
    ordered = sorted(overview, key=lambda r: (-_num(r.get("share")), str(r.get("path"))))
    for r in ordered:
        path, doc_id = r.get("path"), r.get("doc_id")
        cell = paths.html(path, first.get(doc_id))
        copied = r.get("copied_chars")
        if copied is None:
            copied = round(_num(r.get("share")) * _num(r.get("n_chars")))
        stock = r.get("template_chars")
        source = r.get("largest_source")
        if source is None:
            source_cell, source_share = "—", "—"
        else:
            href = by_key.get(_pair_key(doc_id, r.get("largest_source_id")))
            source_cell = paths.html(source, href)
            source_share = _pct(r.get("largest_source_share"))
        n = n_pairs.get(doc_id, 0)
        pairs_cell = (
            f'<a href="#pairs-h" data-filter-path="{_esc(path)}" title="show its pairs">{n}</a>'
            if n
            else "0"
        )
        rows.append(
            f'<tr data-path="{_esc(path)}">'
            f'<td class="path">{cell}</td>'
            + _num_cell(r.get("share"), _pct(r.get("share")))
            + _num_cell(copied, _int(copied))
            + (_num_cell(stock, _int(stock)) if stock is not None else _num_cell(0, "—"))
            + _num_cell(r.get("n_chars"), _int(r.get("n_chars")))
            + f'<td class="path">{source_cell}</td>'
            + _num_cell(r.get("largest_source_share") if source is not None else 0, source_share)
            + _num_cell(r.get("n_sources"), _int(r.get("n_sources")))
            + f'<td class="num" data-value="{n}">{pairs_cell}</td>'
            + (_num_cell(r.get("suppressed"), _int(r.get("suppressed"))) if with_ignored else "")
            + "</tr>"
        )
    return (
        '<div class="tablewrap"><table class="grid sortable filterable overview" id="overview">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _pairs_html(pairs: Sequence[dict[str, Any]], paths: PathDisplay, hrefs: Sequence[str]) -> str:
    """The document pairs in the order given (most copied first), each linking to its view."""
    if not pairs:
        return '<p class="meta">No reused passages found.</p>'
    head = (
        '<th class="num" data-type="num" aria-sort="ascending" title="rank: most copied '
        'characters first">#</th>'
        '<th data-type="text">Document A</th><th data-type="text">Document B</th>'
        '<th class="num" data-type="num" title="characters of A copied from B plus characters '
        'of B copied from A">Copied</th>'
        '<th class="num" data-type="num" title="share of A copied from B">A from B</th>'
        '<th class="num" data-type="num" title="share of B copied from A">B from A</th>'
        '<th class="num" data-type="num">Passages</th>'
        '<th class="num" data-type="num" title="typed edits inside the passages">Edits</th>'
    )
    rows = []
    for i, (pair, href) in enumerate(zip(pairs, hrefs), 1):
        a, b = pair.get("doc_a") or {}, pair.get("doc_b") or {}
        copied = _copied(a) + _copied(b)
        edits = pair.get("edits")
        link = _esc(href)
        rows.append(
            f'<tr data-path="{_esc(a.get("path"))} ↔ {_esc(b.get("path"))}">'
            f'<td class="num" data-value="{i}"><a href="{link}">{i}</a></td>'
            f'<td class="path">{paths.html(a.get("path"), href)}</td>'
            f'<td class="path">{paths.html(b.get("path"), href)}</td>'
            + _num_cell(copied, _int(copied))
            + _num_cell(a.get("share"), _pct(a.get("share")))
            + _num_cell(b.get("share"), _pct(b.get("share")))
            + _num_cell(len(pair.get("matches") or ()), _int(len(pair.get("matches") or ())))
            + (_num_cell(len(edits), _int(len(edits))) if edits is not None else _num_cell(0, "—"))
            + "</tr>"
        )
    return (
        '<div class="tablewrap"><table class="grid sortable filterable pairs" id="pairs">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _notice(data: dict[str, Any], shown: int) -> str:
    """The notice of pairs left out (``n_pairs`` more than shown), with the command for all."""
    total = int(_num(data.get("n_pairs"), shown))
    if total <= shown:
        return ""
    command = data.get("command")
    how = f" All of them, one page per pair: <code>{_esc(command)}</code>" if command else ""
    return (
        f'<p class="notice" id="left-out" role="status">Showing <b>{shown:,}</b> of '
        f"<b>{total:,}</b> document pairs, the most copied first; "
        f"<b>{total - shown:,}</b> left out.{how}</p>"
    )


def _header(data: dict[str, Any], paths: PathDisplay, n_pairs: int) -> str:
    """Title, provenance line, the notice of pairs left out."""
    title = str(data.get("title") or "Reused text")
    n_docs = len(data.get("overview") or ())
    facts = [
        f"Generated {_esc(data.get('generated'))} from {_esc(data.get('database'))}",
        f"{n_docs:,} documents",
        f"{n_pairs:,} document pairs",
    ]
    if paths.prefix:
        facts.append(f"paths relative to <code>{_esc(paths.prefix)}</code>")
    if data.get("ignored"):
        facts.append(f"{int(_num(data['ignored'])):,} passages ignored by a reviewer left out")
    return (
        f'<h1>{_esc(title)}</h1>\n<p class="meta">{" · ".join(facts)}</p>\n{_notice(data, n_pairs)}'
    )


def _toolbar(n_docs: int, n_pairs: int) -> str:
    """The filter box and the row counts it updates."""
    return (
        '<div class="toolbar"><label>Filter by path '
        '<input type="search" id="filter" data-filter autocomplete="off" spellcheck="false" '
        'placeholder="words of a path, e.g. national 2024"></label>'
        f'<a href="#overview-h" class="count" data-count="overview" data-noun="documents">'
        f"{n_docs} documents</a>"
        f'<a href="#pairs-h" class="count" data-count="pairs" data-noun="pairs">'
        f"{n_pairs} pairs</a></div>"
    )


def _paths_of(data: dict[str, Any]) -> PathDisplay:
    """The path display for every path of the report."""
    paths = [r.get("path") for r in data.get("overview") or ()]
    for pair in data.get("pairs") or ():
        paths += [(pair.get(s) or {}).get("path") for s in ("doc_a", "doc_b")]
    return PathDisplay(p for p in paths if p is not None)


def _index_body(data: dict[str, Any], paths: PathDisplay, hrefs: Sequence[str]) -> str:
    pairs = list(data.get("pairs") or [])
    overview = list(data.get("overview") or [])
    return (
        f"{_header(data, paths, len(pairs))}\n"
        f"{_toolbar(len(overview), len(pairs))}\n"
        f'<h2 id="overview-h">Corpus overview</h2>\n'
        '<p class="meta">Each document\'s share copied from the others (view '
        "<code>document_similarity</code>); stock text is counted apart.</p>\n"
        f"{_overview_html(overview, paths, hrefs, pairs)}\n"
        f'<h2 id="pairs-h">Document pairs</h2>\n'
        '<p class="meta">Most copied characters first, as <code>reuse report</code> ranks '
        "them.</p>\n"
        f"{_pairs_html(pairs, paths, hrefs)}"
    )


# --- the pages -----------------------------------------------------------------------------


def render_single_page(data: dict[str, Any]) -> str:
    """The one-file report (:func:`reuse.report.html.render_html`, which documents
    ``data``): the index, its links going to the ``#pair-N`` sections below it."""
    pairs = list(data.get("pairs") or [])
    paths = _paths_of(data)
    hrefs = [f"#pair-{i}" for i in range(1, len(pairs) + 1)]
    sections = "".join(
        _pair_html(i, p, paths, ("#pairs-h", "pair list")) for i, p in enumerate(pairs, 1)
    )
    body = f"{_index_body(data, paths, hrefs)}\n{_legend() if pairs else ''}\n{sections}"
    return page(str(data.get("title") or "Reused text"), body)


def pair_page_names(n: int) -> list[str]:
    """File names of ``n`` pair pages, in order: ``0001.html`` ... (wider past 9999).

    >>> pair_page_names(2)
    ['0001.html', '0002.html']
    """
    width = max(4, len(str(n)))
    return [f"{i:0{width}d}.html" for i in range(1, n + 1)]


def render_index(data: dict[str, Any], names: Sequence[str]) -> str:
    """A report folder's ``index.html``; ``names``: the pair pages, in ``pairs/``."""
    paths = _paths_of(data)
    hrefs = [f"pairs/{name}" for name in names]
    return page(str(data.get("title") or "Reused text"), _index_body(data, paths, hrefs))


def render_pair_page(
    data: dict[str, Any], index: int, names: Sequence[str], paths: PathDisplay | None = None
) -> str:
    """The page ``pairs/<names[index - 1]>`` of a report folder: pair ``index`` (1-based)."""
    pairs = data.get("pairs") or []
    pair = pairs[index - 1]
    paths = paths or _paths_of(data)
    names_ab = [
        paths.short_name(str((pair.get(s) or {}).get("path") or "").rpartition("/")[2])
        for s in ("doc_a", "doc_b")
    ]
    title = f"{names_ab[0]} ↔ {names_ab[1]} · {data.get('title') or 'reuse report'}"
    nav = ['<a href="../index.html" id="back">← all pairs</a>']
    if index > 1:
        nav.append(f'<a href="{_esc(names[index - 2])}" rel="prev">← previous</a>')
    if index < len(pairs):
        nav.append(f'<a href="{_esc(names[index])}" rel="next">next →</a>')
    body = (
        f'<nav class="crumbs">{"".join(nav)}</nav>\n'
        f"<h1>Pair {index:,} of {len(pairs):,} · {_esc(data.get('title') or 'reuse report')}</h1>\n"
        f'<p class="meta">Generated {_esc(data.get("generated"))} from '
        f"{_esc(data.get('database'))}"
        + (f" · paths relative to <code>{_esc(paths.prefix)}</code>" if paths.prefix else "")
        + "</p>\n"
        f"{_legend()}\n"
        f"{_pair_html(index, pair, paths, ('../index.html', 'all pairs'))}"
    )
    return page(title, body)


# --- the data ------------------------------------------------------------------------------


def report_data(
    con: duckdb.DuckDBPyConnection,
    doc: str | None = None,
    kind: str = "reuse",
    min_chars: int = 0,
    limit: int | None = None,
    database: str = "",
    command: str = "",
    min_share: float = 0.0,
    min_similarity: float = 0.0,
) -> dict[str, Any]:
    """The report's data (the shape :func:`reuse.report.html.render_html` documents),
    read from ``con``: the pairs of ``doc`` (or all) of ``kind`` with passages of at
    least ``min_chars`` characters and ``min_similarity``, where a side copied at least
    ``min_share`` from the other, most copied first, at most ``limit`` (None or 0: all), each with
    both full texts and the typed edits of its passages; the overview of every live
    document; ``n_pairs`` (all the pairs there are) and ``command``."""
    # The share and similarity filters are passed only when set.
    extra = {"min_share": min_share} if min_share else {}
    if min_similarity:
        extra["min_similarity"] = min_similarity
    report = pair_report(con, doc, min_chars, kind, with_text=True, limit=limit or None, **extra)
    ids = sorted(
        {p["doc_a"]["doc_id"] for p in report["pairs"]}
        | {p["doc_b"]["doc_id"] for p in report["pairs"]}
    )
    texts: dict[int, str] = {}
    if ids:
        texts = dict(
            con.execute(
                "SELECT doc_id, text FROM documents WHERE doc_id IN (SELECT unnest(?))", [ids]
            ).fetchall()
        )
    match_ids = [m["match_id"] for p in report["pairs"] for m in p["matches"]]
    edits: dict[Any, list[dict[str, Any]]] = {}
    if match_ids:
        cur = con.execute(
            "SELECT match_id, edit_no, op, old_text, new_text, category FROM edits "
            "WHERE match_id IN (SELECT unnest(?)) ORDER BY match_id, edit_no",
            [match_ids],
        )
        names = [d[0] for d in cur.description]
        for row in cur.fetchall():
            edits.setdefault(row[0], []).append(dict(zip(names, row)))
    pairs = []
    for p in report["pairs"]:
        sides = {}
        for side in ("a", "b"):
            d = p[f"doc_{side}"]
            sides[f"doc_{side}"] = {
                "doc_id": d["doc_id"],
                "path": d["path"],
                "text": texts.get(d["doc_id"], ""),
                "share": d["share"],
                "reused_chars": d["reused_chars"],
                "n_chars": d["n_chars"],
            }
        matches = []
        for m in p["matches"]:
            shown = m["kind"]
            if "quotation" in (m.get("side_kind_a"), m.get("side_kind_b")):
                shown = "quotation"  # as reuse.report.reports.html_data shows it
            matches.append({k: v for k, v in m.items() if k not in ("text_a", "text_b")})
            matches[-1]["kind"] = shown
        ordered = sorted(matches, key=lambda m: _num(m["match_id"]))
        pair_edits = [e for m in ordered for e in edits.get(m["match_id"], ())]
        pairs.append({**sides, "matches": matches, "edits": pair_edits})
    overview = [
        {
            "doc_id": r["doc_id"],
            "path": r["path"],
            "n_chars": r["n_chars"],
            "share": r["share"],
            "copied_chars": r["copied_chars"],
            "template_chars": r["template_chars"],
            "largest_source": r["largest_source"],
            "largest_source_id": r["largest_source_id"],
            "largest_source_share": r["largest_source_share"],
            "n_sources": r["n_sources"],
            "suppressed": r["n_ignored"],
        }
        for r in corpus_similarity(con)
    ]
    title = "reuse report" + (f": {os.path.basename(doc)}" if doc else "")
    if kind != "reuse":
        title += f" ({kind} matches)"
    return {
        "title": title,
        "generated": dt.datetime.now().isoformat(timespec="seconds"),
        "database": database,
        "overview": overview,
        "pairs": pairs,
        "n_pairs": report["n_pairs"],
        "ignored": report["ignored"],
        "command": command,
    }


# --- writing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HtmlReportResult:
    """What :func:`write_report` wrote."""

    output: Path  #: the file, or the folder
    index: Path  #: the page to open first: the file, or the folder's index.html
    folder: bool
    files: int  #: pages written
    bytes: int  #: their size
    pairs_shown: int
    pairs_total: int
    seconds: float  #: reading the data, rendering and writing
    command: str  #: the command that writes every pair (a folder)

    @property
    def left_out(self) -> int:
        """Document pairs there are but the report does not show."""
        return self.pairs_total - self.pairs_shown

    def summary(self) -> str:
        """One line for the user (plain text: print it without markup)."""
        what = f"{self.files:,} pages, " if self.folder else ""
        line = (
            f"wrote {self.output}{os.sep if self.folder else ''} ({what}"
            f"{self.bytes / 2**20:.1f} MiB) with {self.pairs_shown:,} of "
            f"{self.pairs_total:,} document pairs in {self.seconds:.1f} s"
        )
        if self.folder:
            line += f"; open {self.index}"
        if self.left_out:
            line += f"; {self.left_out:,} pairs left out, all of them: {self.command}"
        return line


def is_folder_output(output: str | os.PathLike[str]) -> bool:
    """Whether ``output`` names a report folder (the rule of ``write_html_report``).

    >>> [is_folder_output(p) for p in ("r.html", "r.HTM", "report/", "report", "r.htmlx")]
    [False, False, True, True, True]
    """
    text = os.fspath(output)
    if os.path.isdir(text) or text.endswith(("/", os.sep)):
        return True
    return Path(text).suffix.lower() not in (".html", ".htm")


def _database_of(con: duckdb.DuckDBPyConnection) -> str:
    """The file the connection reads ("" for an in-memory database)."""
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return str(row[0]) if row and row[0] else ""


def _check_folder(output: Path, database: str | None, force: bool) -> Path:
    """The report folder ``output`` (resolved); :class:`OutputError` if it must not be used.

    Refused: a file (the database with its own message); a folder whose parent
    does not exist; a folder that is not empty, unless ``force``.
    """
    shown = os.fspath(output)
    target = Path(os.path.realpath(shown))
    if target.exists() and not target.is_dir():
        check_output(shown, database, force=True)  # the database, or not a regular file
        raise OutputError(
            f"{shown} is a file, not a folder; name a folder for the report pages, "
            "or a file ending in .html for one page"
        )
    if not target.parent.is_dir():
        raise OutputError(f"no folder {target.parent} for the output {shown}; create it first")
    if target.is_dir() and not force and any(target.iterdir()):
        raise OutputError(
            f"{shown} is a folder that is not empty; use --force to write the report into it "
            "(its index.html and pairs/ pages are replaced)"
        )
    return target


def _suggest_folder(output: Path, folder: bool) -> str:
    """Where the command for every pair writes: the file's name without .html, or
    the folder's name with ``-all``."""
    name = output.name or "reuse-report"
    if folder:
        return str(output.with_name(name + "-all")) + "/"
    return str(output.with_name(Path(name).stem)) + "/"


def _command(
    database: str,
    output: Path,
    folder: bool,
    doc: str | None,
    kind: str,
    filters: dict[str, float],
) -> str:
    """The command that writes every pair of this report into a folder
    (``filters``: ``min_chars``, ``min_share``, ``min_similarity``)."""
    parts = ["reuse", "report", "--db", database or "reuse.duckdb", "--format", "html"]
    parts += ["-o", _suggest_folder(output, folder)]
    if doc is not None:
        parts += ["--doc", doc]
    if kind != "reuse":
        parts += ["--kind", kind]
    for name, value in filters.items():
        if value:
            parts += ["--" + name.replace("_", "-"), str(value)]
    return shlex.join(parts)


def _write_page(path: Path, text: str, database: str | None, force: bool) -> int:
    """Write one page through :func:`reuse.report.outputs.open_output`; its size in bytes."""
    data = text.encode("utf-8")
    with open_output(path, database, force) as f:
        f.write(data)
    return len(data)


def _write_folder(
    target: Path, data: dict[str, Any], database: str | None, force: bool
) -> tuple[int, int]:
    """Write index.html and pairs/*.html into the folder ``target``; (files, bytes).

    The pages are written into a new folder beside ``target`` (``.NAME.XXXX.partial``,
    removed on failure). When ``target`` does not exist or is empty, that folder is
    renamed to it: one atomic step, so a reader never sees half a report. Otherwise
    (``force``) each page replaces its namesake with ``os.replace`` (atomic per page,
    each checked by :func:`reuse.report.outputs.check_output` first: never the database),
    ``index.html`` last, then pair pages beyond this report's are removed.

    Pages are not synced one by one (``fsync`` per page was a third of the time
    for 1,750 pages); a write that fails or is interrupted leaves the old report.
    """
    pairs = data.get("pairs") or []
    names = pair_page_names(len(pairs))
    work = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    files = size = 0
    try:
        (work / "pairs").mkdir(parents=True)
        paths = _paths_of(data)
        for i, name in enumerate(names, 1):
            size += _write_new(work / "pairs" / name, render_pair_page(data, i, names, paths))
            files += 1
        size += _write_new(work / "index.html", render_index(data, names))
        files += 1
        if not target.exists() or not any(target.iterdir()):
            try:
                os.rename(work, target)  # replaces nothing but an empty folder
            except OSError as exc:
                raise OutputError(
                    f"{target} appeared while the report was written; nothing replaced"
                ) from exc
            return files, size
        (target / "pairs").mkdir(exist_ok=True)
        for rel in [*(f"pairs/{name}" for name in names), "index.html"]:
            check_output(target / rel, database, force)
            os.replace(work / rel, target / rel)
        keep = set(names)
        for old in (target / "pairs").iterdir():
            if PAIR_PAGE.match(old.name) and old.name not in keep and old.is_file():
                old.unlink()
    except OSError as exc:
        raise OutputWriteError(f"cannot write the report into {target}: {exc}") from exc
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return files, size


def _write_new(path: Path, text: str) -> int:
    """Write a page into the new folder being built; its size in bytes."""
    data = text.encode("utf-8")
    with open(path, "xb") as f:
        f.write(data)
    return len(data)


def write_report(
    con: duckdb.DuckDBPyConnection,
    output: Path,
    doc: str | None = None,
    limit: int | None = None,
    force: bool = False,
    *,
    kind: str = "reuse",
    min_chars: int = 0,
    min_share: float = 0.0,
    min_similarity: float = 0.0,
    database: str | os.PathLike[str] | None = None,
) -> HtmlReportResult:
    """:func:`reuse.report.html.write_html_report` (see there)."""
    db = os.fspath(database) if database is not None else _database_of(con)
    db_check = db or None
    folder = is_folder_output(output)
    if folder:
        target = _check_folder(output, db_check, force)
    else:
        check_output(output, db_check, force)
    started = time.perf_counter()
    if limit is None:
        limit = 0 if folder else HTML_MAX_PAIRS  # 0: all
    filters = {"min_chars": min_chars, "min_share": min_share, "min_similarity": min_similarity}
    command = _command(db, output, folder, doc, kind, filters)
    data = report_data(con, doc, kind, min_chars, limit, db, command, min_share, min_similarity)
    shown, total = len(data["pairs"]), int(data["n_pairs"])
    if folder:
        files, size = _write_folder(target, data, db_check, force)
        index = output / "index.html"
    else:
        size = _write_page(output, render_single_page(data), db_check, force)
        files, index = 1, output
    return HtmlReportResult(
        output=output,
        index=index,
        folder=folder,
        files=files,
        bytes=size,
        pairs_shown=shown,
        pairs_total=total,
        seconds=time.perf_counter() - started,
        command=command if shown < total else "",
    )
