"""Writing the HTML report (``reuse report --format html -o OUTPUT``): one
file, or a folder of pages (:func:`write_html_report` has the rule), through
the rules of :mod:`reuse.report.outputs` (never the database, never over an
existing file unless forced, never half a file).

A folder is built beside the output and renamed into place when complete
(:func:`_write_folder`), so a reader never sees half a report.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from reuse.errors import OutputError, OutputWriteError
from reuse.report.html.data import HTML_MAX_PAIRS, report_data
from reuse.report.html.index import report_paths
from reuse.report.html.pages import pair_page_names, render_html, render_index, render_pair_page
from reuse.report.outputs import check_output, open_output
from reuse.report.pairs import PairFilter

#: Names of the pair pages in a report folder (``pairs/0001.html``).
PAIR_PAGE = re.compile(r"^\d{4,}\.html$")


@dataclass(frozen=True)
class HtmlReportResult:
    """What :func:`write_html_report` wrote."""

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


def _command(database: str, output: Path, folder: bool, selection: PairFilter) -> str:
    """The command that writes every pair of this report into a folder."""
    parts = ["reuse", "report", "--db", database or "reuse.duckdb", "--format", "html"]
    parts += ["-o", _suggest_folder(output, folder)]
    if selection.doc is not None:
        parts += ["--doc", selection.doc]
    if selection.kind != "reuse":
        parts += ["--kind", selection.kind]
    filters = {
        "min_chars": selection.min_chars,
        "min_share": selection.min_share,
        "min_similarity": selection.min_similarity,
    }
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
        paths = report_paths(data)
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


def write_html_report(
    con: duckdb.DuckDBPyConnection,
    output: str | os.PathLike[str],
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
    """Write the HTML report of the database ``con`` reads to ``output``; the CLI's
    ``reuse report --format html -o OUTPUT``.

    The rule: ``output`` is **one file** when it ends in ``.html`` or ``.htm``
    (any case) and is not an existing folder; anything else (``report/``,
    ``report``, an existing folder) is **a folder**.

    * One file (:func:`reuse.report.html.pages.render_html`): the index and every
      pair on one page; at most ``limit`` pairs (``0``: all; ``None``:
      :data:`reuse.report.html.data.HTML_MAX_PAIRS`, 100), the most copied
      first: for ``--doc`` or a few pairs. When pairs are left out, the page
      says how many it shows of how many, and the command that writes them all
      (a folder).
    * A folder (:func:`reuse.report.html.pages.render_index`,
      :func:`reuse.report.html.pages.render_pair_page`): ``index.html``
      (overview and all pairs, filter box, sortable tables) and
      ``pairs/0001.html`` ... one page per pair in the index's order, with the
      typed edits of its passages; every pair unless ``limit`` is a number
      above 0 (then the index says how many were left out, and the command for
      all). An existing folder must be empty unless ``force``; with
      ``force`` its ``index.html`` and ``pairs/NNNN.html`` pages are replaced and
      pair pages of an earlier, longer report removed (nothing else in the folder
      is touched). The pages are built in a temporary folder beside the output
      and renamed into place when complete, so a failed write leaves the old
      report (or none).

    ``doc``: only the pairs of this document (path or file name); ``kind``:
    ``reuse`` (the CLI's default), ``boilerplate`` or ``all``; ``min_chars``,
    ``min_similarity``: only passages of at least this many characters, this
    similarity; ``min_share``: only pairs where a document copied at least this
    share of its characters from the other; ``database``: the database
    file as the user named it (default: the file ``con`` reads), never
    written over and named in the pages. The rules of :mod:`reuse.report.outputs`
    hold (never the database, never over an existing file unless ``force``,
    never half a file, a missing parent folder is a message); the output is
    checked before any work, so a refusal (:class:`reuse.errors.OutputError`)
    is immediate. Returns what was written (:class:`HtmlReportResult`, whose
    ``summary()`` is the line to print).

    Size reason: its parameters are the options of ``reuse report --format
    html``, passed by keyword by the command line; the report's filters are
    then one :class:`reuse.report.pairs.PairFilter`.
    """
    output = Path(output)
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
    selection = PairFilter(doc, min_chars, kind, min_share, min_similarity)
    command = _command(db, output, folder, selection)
    data = report_data(con, selection, limit, db, command)
    shown, total = len(data["pairs"]), int(data["n_pairs"])
    if folder:
        files, size = _write_folder(target, data, db_check, force)
        index = output / "index.html"
    else:
        size = _write_page(output, render_html(data), db_check, force)
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
