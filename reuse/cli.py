"""The command line: a thin typer layer over the library.

Each command turns options into library calls and library errors into a
message and an exit code, in one place (:func:`_fail`). Exit codes:

- 0: success;
- 1: failure (bad configuration, unreadable database, bad query);
- 2: wrong usage (typer's own);
- 3: the scan finished but rejected some files (they are in the ``errors`` table);
- 4: another scan holds the database's lock; nothing was done;
- 5: another process holds the database file open for writing (the message
  names it); nothing was done;
- 6: a worker process died (killed, out of memory) or hung; the scan stopped
  and the next run resumes it;
- 7: the operating system refused a write (permission denied, no space left
  on the device, a read-only file system); the message gives the cause.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import duckdb
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from reuse import __version__
from reuse.config import Config
from reuse.errors import (
    ConfigError,
    DatabaseBusyError,
    ReuseError,
    ScanLockedError,
    StorageError,
    WorkerError,
)
from reuse.pipeline import ScanResult
from reuse.pipeline import scan as run_scan
from reuse.report import (
    available_queries,
    corpus_similarity,
    document_similarity,
    export_matches,
    find_query,
    group_report,
    html_data,
    match_detail,
    pair_report,
    provenance_report,
    query_description,
    run_query,
    template_report,
)
from reuse.schema import SCHEMA_VERSION

T = TypeVar("T")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_REJECTED = 3
EXIT_LOCKED = 4
EXIT_BUSY = 5
EXIT_WORKER = 6
EXIT_STORAGE = 7


def exit_code(exc: BaseException) -> int:
    """The documented exit code of a library error (see the module docstring)."""
    for kind, code in (
        (ScanLockedError, EXIT_LOCKED),
        (DatabaseBusyError, EXIT_BUSY),
        (WorkerError, EXIT_WORKER),
        (StorageError, EXIT_STORAGE),
    ):
        if isinstance(exc, kind):
            return code
    if isinstance(exc, OSError):
        return EXIT_STORAGE
    return EXIT_FAILURE


app = typer.Typer(
    name="reuse",
    help="Find reused and plagiarised passages across a corpus of reports, stored in DuckDB.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)


class Engine(str, Enum):
    embedded = "embedded"
    spark = "spark"


class InputFormat(str, Enum):
    files = "files"
    parquet = "parquet"
    json = "json"


DbOption = Annotated[Path, typer.Option("--db", help="DuckDB file of the scan.", envvar="REUSE_DB")]


class Format(str, Enum):
    text = "text"
    json = "json"


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"
    parquet = "parquet"


class Verdict(str, Enum):
    confirmed = "confirmed"
    ignored = "ignored"


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class Kind(str, Enum):
    reuse = "reuse"
    boilerplate = "boilerplate"
    all = "all"


def _fail(exc: BaseException) -> NoReturn:
    if isinstance(exc, OSError) and not isinstance(exc, ReuseError):
        from reuse.snapshot import describe_os_error

        exc = StorageError(describe_os_error(exc, "write"))
    code = exit_code(exc)
    prefix = "reuse: " if code == EXIT_LOCKED else "reuse: error: "
    err.print(f"{prefix}{escape(str(exc))}")
    raise typer.Exit(code)


def _display_path(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def _version(value: bool) -> None:
    if value:
        out.print(f"reuse {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Find reused and plagiarised passages across a corpus of reports, stored in DuckDB."""


@app.command()
def scan(
    paths: Annotated[list[Path], typer.Argument(help="Folders (read recursively) or files.")],
    db: DbOption = Path("reuse.duckdb"),
    config: Annotated[
        Path | None, typer.Option("--config", help="TOML file of detection parameters.")
    ] = None,
    threshold: Annotated[
        float | None, typer.Option(help="LSH Jaccard threshold (candidates.threshold).")
    ] = None,
    num_perm: Annotated[
        int | None, typer.Option(help="MinHash permutations (sketch.num_perm).")
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            help="embedded: worker processes on this machine, incremental. "
            "spark: a Spark job (pip install 'reuse[spark]'), full scan into a new database."
        ),
    ] = Engine.embedded,
    spark_master: Annotated[
        str,
        typer.Option(
            help="Spark master for --engine spark (local[N], yarn, k8s://..., spark://...)."
        ),
    ] = "local[2]",
    spark_output: Annotated[
        Path | None,
        typer.Option(
            help="Folder the Spark job writes (parquet), then imported; default DB.spark."
        ),
    ] = None,
    spark_conf: Annotated[
        list[str] | None,
        typer.Option(help="A Spark setting KEY=VALUE (repeatable), e.g. spark.driver.memory=8g."),
    ] = None,
    input_format: Annotated[
        InputFormat,
        typer.Option(
            help="files: folders or files. parquet/json (Spark only): tables with a 'path' "
            "column and a 'text' or 'content' column."
        ),
    ] = InputFormat.files,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each stage.")] = False,
) -> None:
    """Scan folders of reports into the database; unchanged files are skipped.

    Example: reuse scan data/ --db reuse.duckdb
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    try:
        cfg = Config.load(
            config,
            {"candidates.threshold": threshold, "sketch.num_perm": num_perm},
        )
        show = not quiet and err.is_terminal
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            disable=not show,
            transient=True,
        ) as bar:
            tasks: dict[str, Any] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done, total=total)

            if engine == Engine.spark:
                result = _spark_scan(
                    [str(p) for p in paths],
                    db,
                    cfg,
                    spark_master,
                    spark_conf or [],
                    spark_output,
                    input_format,
                    progress,
                )
            elif input_format != InputFormat.files:
                raise ConfigError("--input-format parquet/json needs --engine spark")
            else:
                result = run_scan([str(p) for p in paths], db, cfg, progress)
    except (ReuseError, duckdb.Error, OSError) as exc:
        _fail(exc)
    _print_scan_summary(result, db)


def _print_scan_summary(result: ScanResult, db: Path) -> None:
    summary = Table(title=f"scan {result.scan_id} into {db}", show_header=False)
    summary.add_column("what")
    summary.add_column("count", justify="right")
    for label, value in (
        ("files", result.n_files),
        ("new", result.n_new),
        ("changed", result.n_changed),
        ("unchanged (skipped)", result.n_unchanged),
        ("deleted", result.n_deleted),
        ("rejected", result.n_errors),
        ("candidate passage pairs", result.n_candidates),
        ("reuse matches", result.n_reuse),
        ("new reuse matches", result.n_new_matches),
        ("new, ignored by verdict", result.n_ignored),
        ("boilerplate matches", result.n_boilerplate),
        ("reuse groups", result.n_groups),
        ("seconds", round(sum(result.timings.values()), 2)),
    ):
        summary.add_row(label, str(value))
    err.print(summary)
    for e in result.errors[:20]:
        err.print(f"rejected: {escape(e.path)}: {e.stage}: {escape(e.message)}")
    if len(result.errors) > 20:
        err.print(f"... and {len(result.errors) - 20} more (SELECT * FROM errors)")
    if result.errors:
        raise typer.Exit(EXIT_REJECTED)


def _spark_scan(
    sources: list[str],
    db: Path,
    cfg: Config,
    master: str,
    settings: list[str],
    output: Path | None,
    input_format: InputFormat,
    progress: Callable[[str, int, int], None],
) -> ScanResult:
    """Run the Spark job into ``output`` and import the folder into ``db``."""
    from reuse.spark_engine import parse_settings, run_spark_scan, spark_session
    from reuse.spark_output import check_new_database, import_output

    conf = parse_settings(settings)
    check_new_database(db)  # before Spark starts, not after the job
    folder = output or db.with_name(db.name + ".spark")
    spark = spark_session(master, conf)
    try:
        table = None if input_format == InputFormat.files else input_format.value
        run_spark_scan(spark, sources, folder, cfg, table_format=table)
    finally:
        spark.stop()
    return import_output(folder, db, progress)


@app.command("import")
def import_(
    folder: Annotated[
        Path, typer.Argument(help="Output folder of a Spark scan (manifest.json, parquet).")
    ],
    db: DbOption = Path("reuse.duckdb"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Load the output of a Spark scan (jobs/spark_scan.py) into a new database.

    Example: reuse import scan-out/ --db reuse.duckdb
    """
    from reuse.spark_output import import_output

    try:
        result = import_output(folder, db)
    except (ReuseError, duckdb.Error, OSError) as exc:
        _fail(exc)
    if not quiet:
        _print_scan_summary(result, db)
    elif result.errors:
        raise typer.Exit(EXIT_REJECTED)


def _read(db: Path, fetch: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """``fetch(connection)`` on a read-only connection; library errors end the command."""
    con = _connect(db)
    try:
        return fetch(con)
    except (ReuseError, duckdb.Error) as exc:
        _fail(exc)
    finally:
        con.close()


def _print_json(data: Any) -> None:
    out.print_json(json.dumps(data, ensure_ascii=False, default=str))


def _connect(db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published database (see :mod:`reuse.snapshot`)."""
    from reuse.snapshot import connect_reader

    try:
        con = connect_reader(db)
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except (ReuseError, duckdb.Error) as exc:
        _fail(exc)
    if row is None or int(row[0]) != SCHEMA_VERSION:
        con.close()
        found = row[0] if row else "none"
        _fail(
            ReuseError(
                f"{db} has schema version {found}, this reuse reads {SCHEMA_VERSION}: "
                f"run 'reuse scan PATH --db {db}' once to migrate it"
            )
        )
    return con


def _marked(text: str, base: int, diff: list[list[Any]], side: str, plain: bool) -> Text:
    """Text of one side with its differing stretches marked."""
    out = Text()
    pos = base
    for op, a0, a1, b0, b1 in diff:
        s, e = (a0, a1) if side == "a" else (b0, b1)
        s, e = s - base, e - base
        if s > pos - base:
            out.append(text[pos - base : s])
        chunk = text[max(s, pos - base) : e]
        if op == "equal" or not chunk:
            out.append(chunk)
        elif plain:
            out.append(f"[-{chunk}-]" if side == "a" else f"{{+{chunk}+}}")
        else:
            out.append(chunk, style="bold red" if side == "a" else "bold green")
        pos = base + max(e, pos - base)
    out.append(text[pos - base :])
    return out


def _clip(text: Text, max_chars: int) -> Text:
    if max_chars and len(text.plain) > max_chars:
        rest = len(text.plain) - max_chars
        clipped = text[:max_chars]
        clipped.append(f" ... ({rest} more characters)", style="dim")
        return clipped
    return text


@app.command()
def report(
    db: DbOption = Path("reuse.duckdb"),
    doc: Annotated[
        str | None, typer.Option("--doc", help="Only pairs with this document (path or file name).")
    ] = None,
    min_chars: Annotated[int, typer.Option(help="Only passages of at least N characters.")] = 0,
    kind: Annotated[Kind, typer.Option(help="Which matches.")] = Kind.reuse,
    limit: Annotated[int | None, typer.Option(help="At most N document pairs.")] = None,
    max_chars: Annotated[
        int, typer.Option(help="Show at most N characters of a passage (0: all).")
    ] = 400,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help="text, json or html.")
    ] = ReportFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the output file if it exists.")
    ] = False,
) -> None:
    """Document pairs with reused passages: share of each document, then each passage side by side.

    With --doc, first the document's similarity report: share reused, share
    excluding boilerplate and quotations, largest source, per-section shares
    and every source. Differences inside a passage are marked: red in the
    first document, green in the second ([-deleted-] and {+inserted+} when the
    output is not a terminal). Matches a reviewer ignored are left out and counted.

    --format html -o FILE writes one self-contained page: a corpus overview
    sortable by share and each pair side by side with the passages highlighted.

    An existing output file is kept unless --force; the database itself is
    never overwritten.

    Example: reuse report --doc data/004_481eeca183cd7a2c.txt --min-chars 100
    """
    from reuse.outputs import check_output

    target = output
    if fmt is ReportFormat.html and target is None:
        target = Path("reuse-report.html")
    if target is not None:
        try:
            check_output(target, db, force)  # before the work, not after
        except ReuseError as exc:
            _fail(exc)
    con = _connect(db)
    try:
        if fmt is ReportFormat.html:
            from reuse.html_report import render_html

            page = render_html(html_data(con, doc, kind.value, limit, database=str(db)))
            data: dict[str, Any] = {}
        else:
            data = pair_report(con, doc, min_chars, kind.value, with_text=True, limit=limit)
            if doc is not None:
                data["similarity"] = document_similarity(con, doc)
    except (ReuseError, duckdb.Error) as exc:
        _fail(exc)
    finally:
        con.close()
    if target is None:
        _print_report(data, kind, fmt, max_chars)
        return
    _write_report(
        target, db, force, data, page if fmt is ReportFormat.html else None, kind, fmt, max_chars
    )


def _write_report(
    target: Path,
    db: Path,
    force: bool,
    data: dict[str, Any],
    page: str | None,
    kind: Kind,
    fmt: ReportFormat,
    max_chars: int,
) -> None:
    """Write ``reuse report -o``: the HTML ``page``, else the report printed to the file."""
    from reuse.outputs import open_output

    global out
    try:
        with open_output(target, db, force, text=True) as f:
            if page is not None:
                f.write(page)
            else:
                saved, out = out, Console(file=f, highlight=False)
                try:
                    _print_report(data, kind, fmt, max_chars)
                finally:
                    out = saved
    except ReuseError as exc:
        _fail(exc)
    if page is not None:
        err.print(f"wrote {target} ({len(page.encode()) / 1024:.0f} KiB)")


def _print_similarity(sim: dict[str, Any]) -> None:
    out.print(
        Text.assemble(
            ("Similarity report ", "bold"),
            (_display_path(sim["path"]), "cyan"),
            f"  ({sim['n_chars']} characters"
            + (f", dated {sim['doc_date']}" if sim.get("doc_date") else "")
            + ")",
        )
    )
    out.print(
        f"  reused: {sim['share']:.1%}   excluding boilerplate and quotations: "
        f"{sim['share_excluding']:.1%}   sources: {sim['n_sources']}"
    )
    if sim["largest_source"]:
        out.print(
            f"  largest single source: {_display_path(sim['largest_source'])} "
            f"({sim['largest_source_share']:.1%})"
        )
    if sim["n_ignored"]:
        out.print(f"  {sim['n_ignored']} matched passage(s) ignored by a reviewer's verdict")
    if sim["sources"]:
        table = Table(title="Sources")
        table.add_column("source", overflow="fold")
        for name in ("share", "chars", "quoted", "passages"):
            table.add_column(name, justify="right")
        for src in sim["sources"]:
            table.add_row(
                escape(_display_path(src["path"])),
                f"{src['share']:.1%}",
                str(src["reused_chars"]),
                str(src["quoted_chars"]),
                str(src["passages"]),
            )
        out.print(table)
    if len(sim["sections"]) > 1:
        table = Table("section", "chars", "share", "excluding", title="Sections")
        for sec in sim["sections"]:
            table.add_row(
                escape(("  " if sec["level"] == 2 else "") + sec["title"]),
                str(sec["end"] - sec["start"]),
                f"{sec['share']:.1%}",
                f"{sec['share_excluding']:.1%}",
            )
        out.print(table)
    out.print()


def _print_report(data: dict[str, Any], kind: Kind, fmt: ReportFormat, max_chars: int) -> None:
    if fmt is ReportFormat.json:
        _print_json(data)
        return
    if "similarity" in data:
        _print_similarity(data["similarity"])
    plain = not out.is_terminal
    if data.get("ignored"):
        out.print(f"{data['ignored']} match(es) ignored by a reviewer's verdict are not shown.")
    if not data["pairs"]:
        out.print(f"No {kind.value} matches among {data['documents']} documents.")
        return
    n_pairs = len(data["pairs"])
    plural = "s" if n_pairs != 1 else ""
    among = f"among {data['documents']} documents"
    out.print(f"{n_pairs} document pair{plural} with {kind.value} {among}\n")
    for pair in data["pairs"]:
        a, b = pair["doc_a"], pair["doc_b"]
        out.print(
            Text.assemble(
                ("A ", "bold"),
                (_display_path(a["path"]), "cyan"),
                f"  {a['share']:.1%} copied ({a['reused_chars']} of {a['n_chars']} chars)\n",
                ("B ", "bold"),
                (_display_path(b["path"]), "cyan"),
                f"  {b['share']:.1%} copied ({b['reused_chars']} of {b['n_chars']} chars)",
            )
        )
        for m in pair["matches"]:
            table = Table(
                title=(
                    f"match {m['match_id']} ({m['kind']}): A[{m['a_start']}:{m['a_end']}] "
                    f"B[{m['b_start']}:{m['b_end']}]  similarity {m['similarity']:.3f}  "
                    f"edit distance {m['edit_distance']}"
                ),
                expand=True,
                show_lines=False,
            )
            table.add_column("A", ratio=1, overflow="fold")
            table.add_column("B", ratio=1, overflow="fold")
            table.add_row(
                _clip(_marked(m["text_a"], m["a_start"], m["diff"], "a", plain), max_chars),
                _clip(_marked(m["text_b"], m["b_start"], m["diff"], "b", plain), max_chars),
            )
            out.print(table)
        out.print()


@app.command()
def show(
    match_id: Annotated[int, typer.Argument(help="match_id from 'reuse report' or SQL.")],
    db: DbOption = Path("reuse.duckdb"),
    context: Annotated[int, typer.Option(help="Characters of context on each side.")] = 40,
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """One match in full: both passages in context, differences marked.

    Example: reuse show 5 --context 80
    """
    m = _read(db, lambda con: match_detail(con, match_id, context))
    if fmt is Format.json:
        _print_json(m)
        return
    plain = not out.is_terminal
    out.print(
        f"match {m['match_id']} ({m['kind']})  similarity {m['similarity']:.3f}  "
        f"edit distance {m['edit_distance']}  first seen in scan {m['first_seen_scan']}"
    )
    for side in ("a", "b"):
        s, e = m[f"{side}_start"], m[f"{side}_end"]
        body = _marked(m[f"text_{side}"], s, m["diff"], side, plain)
        text = Text.assemble(
            (f"{side.upper()} ", "bold"),
            (f"{_display_path(m[f'path_{side}'])} [{s}:{e}]\n", "cyan"),
            (m[f"before_{side}"], "dim"),
            ("[[" if plain else "", ""),
            body,
            ("]]" if plain else "", ""),
            (m[f"after_{side}"], "dim"),
        )
        out.print(text)
        out.print()


@app.command()
def query(
    query_arg: Annotated[
        str,
        typer.Argument(
            metavar="NAME|FILE|SQL",
            help="A query of queries/ by name, a .sql file, or SQL text.",
        ),
    ] = "",
    db: DbOption = Path("reuse.duckdb"),
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="Named parameter NAME=VALUE for $NAME in the SQL."),
    ] = None,
    fmt: Annotated[
        QueryFormat, typer.Option("--format", help="table, csv or json.")
    ] = QueryFormat.table,
    list_queries: Annotated[bool, typer.Option("--list", help="List the shipped queries.")] = False,
) -> None:
    """Run SQL on a read-only connection: a shipped query by name, a file, or SQL text.

    One statement, confined to the database: writes (DROP, UPDATE, ...), other
    files, URLs and databases (COPY, ATTACH, EXPORT, read_csv, glob, ...),
    extensions (INSTALL, LOAD) and settings (SET) are refused, as is a
    parameter the query does not take.
    Example: reuse query top_pairs -p min_chars=200
    """
    if list_queries or not query_arg:
        for name in available_queries():
            _, sql = find_query(name)
            first = query_description(sql).splitlines()
            out.print(f"{name:28} {first[0] if first else ''}")
        return
    params: dict[str, Any] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep:
            _fail(ValueError(f"--param takes NAME=VALUE, got {item!r}"))
        params[key] = value
    try:
        _, sql = find_query(query_arg)
        columns, rows = run_query(str(db), sql, params)
    except (ReuseError, duckdb.Error) as exc:
        _fail(exc)
    if fmt is QueryFormat.json:
        out.print_json(
            json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, default=str)
        )
    elif fmt is QueryFormat.csv:
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        table = Table(*columns)
        for r in rows:
            table.add_row(*(escape("" if v is None else str(v)) for v in r))
        out.print(table)
        out.print(f"{len(rows)} rows")


@app.command()
def similarity(
    db: DbOption = Path("reuse.duckdb"),
    limit: Annotated[int | None, typer.Option(help="At most N documents.")] = 20,
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """Rank the corpus by share reused, as a duplicate-check service reports it.

    Columns: the share copied (characters equal to a source, in reuse
    matches, outside templates, formulaic lines and quotations, over all
    characters), the characters in templates and formulaic lines, the
    largest single source. The same figures are the SQL view
    document_similarity. Example: reuse similarity --limit 50
    """
    rows = _read(db, lambda con: corpus_similarity(con, limit))
    if fmt is Format.json:
        _print_json(rows)
        return
    table = Table(
        "document", "chars", "copied", "share", "stock", "largest source", "its share", "sources"
    )
    for r in rows:
        table.add_row(
            escape(_display_path(r["path"])),
            str(r["n_chars"]),
            str(r["copied_chars"]),
            f"{r['share']:.1%}",
            str(r["template_chars"] + r["boilerplate_chars"]),
            escape(_display_path(r["largest_source"])) if r["largest_source"] else "",
            f"{r['largest_source_share']:.1%}" if r["largest_source"] else "",
            str(r["n_sources"]),
        )
    out.print(table)


@app.command()
def groups(
    db: DbOption = Path("reuse.duckdb"),
    limit: Annotated[int | None, typer.Option(help="At most N groups.")] = 20,
    min_documents: Annotated[int, typer.Option(help="Only groups of at least N documents.")] = 2,
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """Reuse groups: passages reused across many documents, largest group first.

    A group is a passage and the passages that reuse it: every member matches
    the group's centre, so unrelated passages never chain into one group.
    Stock text in many documents is a template instead (reuse templates).
    Tables groups, group_members, group_matches. Example: reuse groups --min-documents 5
    """
    data = _read(db, lambda con: group_report(con, limit, min_documents))
    if fmt is Format.json:
        _print_json(data)
        return
    if not data:
        out.print("No reuse groups.")
        return
    for g in data:
        out.print(
            Text.assemble(
                (f"group {g['group_id']}", "bold"),
                f": {g['n_documents']} documents, {g['n_members']} passages, "
                f"{g['n_matches']} matches, {g['mean_chars']:.0f} characters on average",
            )
        )
        for m in g["members"]:
            excerpt = m["excerpt"].replace("\n", " ")
            out.print(
                Text.assemble(
                    "  ",
                    (_display_path(m["path"]), "cyan"),
                    f" [{m['start']}:{m['end']}] ",
                    (excerpt, "dim"),
                )
            )
        out.print()


class TemplateKind(str, Enum):
    template = "template"
    boilerplate = "boilerplate"
    all = "all"


@app.command()
def templates(
    db: DbOption = Path("reuse.duckdb"),
    limit: Annotated[int | None, typer.Option(help="At most N templates.")] = 20,
    kind: Annotated[
        TemplateKind,
        typer.Option(help="template (stock text), boilerplate (formulaic lines) or all."),
    ] = TemplateKind.template,
    min_documents: Annotated[int, typer.Option(help="Only templates in at least N documents.")] = 2,
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """Stock text shared by many documents, each template once, most documents first.

    A template is text found in at least T documents (templates.min_documents,
    templates.document_fraction): its members are aligned to one
    representative, and its text is not pairwise reuse. Shows the
    representative's text, the earliest dated member and some members.
    Tables templates, template_members. Example: reuse templates --limit 5
    """
    data = _read(db, lambda con: template_report(con, limit, kind.value, min_documents))
    if fmt is Format.json:
        _print_json(data)
        return
    if not data:
        out.print("No templates.")
        return
    for t in data:
        earliest = (
            f", earliest {_display_path(t['earliest_member'])} ({t['earliest_date']})"
            if t["earliest_member"]
            else ""
        )
        out.print(
            Text.assemble(
                (f"template {t['template_id']}", "bold"),
                f" ({t['kind']}): {t['n_documents']} documents, {t['n_members']} occurrences"
                f"{earliest}",
            )
        )
        text = t["text"].replace("\n", " ")
        out.print(Text.assemble("  ", (text if len(text) <= 160 else text[:157] + "...", "dim")))
        for m in t["members"][:5]:
            out.print(
                Text.assemble(
                    "  ",
                    (_display_path(m["path"]), "cyan"),
                    f" [{m['start']}:{m['end']}] similarity {m['similarity']:.2f}",
                )
            )
        if t["n_members"] > 5:
            out.print(f"  ... and {t['n_members'] - 5} more (SELECT * FROM template_members)")
        out.print()


@app.command()
def provenance(
    db: DbOption = Path("reuse.duckdb"),
    doc: Annotated[str | None, typer.Option("--doc", help="Only pairs with this document.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """Who copied from whom: per document pair, the likely source and the evidence.

    The source is the earlier-dated document (dates from file metadata, the
    file name, or the text's dateline or signature); without dates, the side
    the other adds a byline or photo caption to. View match_provenance.
    """
    records = _read(db, lambda con: provenance_report(con, doc))
    if fmt is Format.json:
        _print_json(records)
        return
    if not records:
        out.print("No reuse.")
        return
    table = Table("source", "copy", "evidence", "chars", title="Who copied from whom")
    for r in records:
        if r["source"]:
            src, copy = _display_path(r["source"]), _display_path(r["copy"])
        else:
            src, copy = _display_path(r["path_a"]) + " ?", _display_path(r["path_b"]) + " ?"
        table.add_row(
            escape(src),
            escape(copy),
            escape(r["evidence"] or ""),
            str(max(r["chars_a"], r["chars_b"])),
        )
    out.print(table)


@app.command()
def review(
    match_ids: Annotated[
        list[int], typer.Argument(help="match_id(s) from 'reuse report' or SQL.", metavar="ID...")
    ],
    verdict: Annotated[Verdict, typer.Option("--verdict", help="confirmed or ignored.")],
    note: Annotated[str | None, typer.Option("--note", help="Why, for the next reviewer.")] = None,
    reviewer: Annotated[
        str | None,
        typer.Option(help="Who reviews (default: REUSE_REVIEWER, else your user name)."),
    ] = None,
    db: DbOption = Path("reuse.duckdb"),
) -> None:
    """Record a reviewer's verdict on one or more matches; it survives rescans.

    An ignored match (an approved template, a legitimate citation) is left out
    of reports and of later scans' new-match counts; reports say how many were
    left out. Verdicts are a history: a new verdict never erases an earlier one
    or its note (a verdict without --note keeps the last note). A verdict is
    keyed by both documents and both passages' text, so it still applies when
    a rescan finds the same passages under a new match_id, and after a rename
    or a move. All ids are recorded, or none.
    Example: reuse review 17 18 21 --verdict ignored --note "approved template"
    """
    from reuse.verdicts import default_reviewer
    from reuse.verdicts import review as record

    try:
        keys = record(db, match_ids, verdict.value, note, reviewer or default_reviewer())
    except (ReuseError, duckdb.Error, OSError) as exc:
        _fail(exc)
    for match_id, key in zip(dict.fromkeys(match_ids), keys):
        out.print(f"match {match_id}: {verdict.value} (key {key[:12]})")


@app.command()
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[
        ExportFormat | None,
        typer.Option("--format", help="csv, json or parquet; default: from the file's suffix."),
    ] = None,
    kind: Annotated[Kind, typer.Option(help="Which matches.")] = Kind.all,
    db: DbOption = Path("reuse.duckdb"),
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the output file if it exists.")
    ] = False,
) -> None:
    """Export the live matches with both passages' text (csv, json or parquet).

    Columns: match_id, kind, path_a, a_start, a_end, path_b, b_start, b_end,
    similarity, edit_distance, first_seen_scan, verdict, note, text_a, text_b.
    The format is the file's suffix (.csv, .json, .parquet) unless --format;
    an existing file is kept unless --force; the database is never overwritten.
    Example: reuse export --format parquet -o matches.parquet
    """
    try:
        n = export_matches(
            str(db), fmt.value if fmt else None, str(output), kind.value, force=force
        )
    except (ReuseError, duckdb.Error) as exc:
        _fail(exc)
    err.print(f"wrote {n} matches to {output}")
