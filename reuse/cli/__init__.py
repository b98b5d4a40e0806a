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

Start-up is kept short: this module imports typer and the error classes
only; each command imports what it needs (DuckDB, rich, the pipeline, the
report queries) when it runs, so ``reuse --help`` never loads numpy,
pyarrow or the scan's libraries. Paths and tables are fitted to the
console's width by :mod:`reuse.report.display`.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
import typer.core

from reuse import __version__
from reuse.errors import (
    ConfigError,
    DatabaseBusyError,
    ReuseError,
    ScanLockedError,
    StorageError,
    WorkerError,
)

if TYPE_CHECKING:
    import duckdb
    from rich.console import Console
    from rich.text import Text

    from reuse.config import Config
    from reuse.engine.pipeline import ScanResult

#: When this module was imported (its imports are typer's and the error
#: classes'): a command run as ``reuse ...`` starts about here.
_IMPORTED = time.perf_counter()

T = TypeVar("T")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_REJECTED = 3
EXIT_LOCKED = 4
EXIT_BUSY = 5
EXIT_WORKER = 6
EXIT_STORAGE = 7

#: Document pairs ``reuse report`` shows (text and JSON) when no --limit is given.
REPORT_LIMIT = 20


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


class _App(typer.Typer):
    """The typer app, noting when a command run started (:func:`_started`)."""

    _calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        global _RUN_STARTED
        _RUN_STARTED = _IMPORTED if _App._calls == 0 else time.perf_counter()
        _App._calls += 1
        try:
            return super().__call__(*args, **kwargs)
        finally:
            _RUN_STARTED = None


_RUN_STARTED: float | None = None


def _started() -> float:
    """When this run of a command started: at the import of this module for
    ``reuse ...`` and ``python -m reuse``, else (a command invoked through
    click, as by CliRunner) now."""
    return _RUN_STARTED if _RUN_STARTED is not None else time.perf_counter()


app = _App(
    name="reuse",
    help="Find reused and plagiarised passages across a corpus of reports, stored in DuckDB.\n\n"
    "Example: reuse scan reports/ && reuse report",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _no_type(ctx: Any) -> None:
    return None


class _Command(typer.core.TyperCommand):
    """A command whose help names an argument by its metavar only (``PATH``),
    without the type typer adds (``<list[Path]>``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, typer.core.TyperArgument) and param.metavar:
                param.display_type_rich = _no_type  # type: ignore[method-assign]


class _LazyConsole:
    """A rich Console made when first used (rich is not imported to print help),
    and made again for each command run, so that it reads the terminal's width
    (or ``COLUMNS``) of that run."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def reset(self) -> None:
        self._console = None

    def get(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


out: Any = _LazyConsole(highlight=False, soft_wrap=False)
err: Any = _LazyConsole(stderr=True, highlight=False)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


class Engine(str, Enum):
    embedded = "embedded"
    spark = "spark"


class InputFormat(str, Enum):
    files = "files"
    parquet = "parquet"
    json = "json"


DbOption = Annotated[
    Path,
    typer.Option("--db", help="DuckDB file of the scan.", envvar="REUSE_DB", metavar="FILE"),
]


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


def _db_errors() -> tuple[type[BaseException], ...]:
    """The errors a command turns into a message: the library's and DuckDB's."""
    import duckdb

    return (ReuseError, duckdb.Error)


def _fail(exc: BaseException) -> NoReturn:
    if isinstance(exc, OSError) and not isinstance(exc, ReuseError):
        from reuse.errors import describe_os_error

        exc = StorageError(describe_os_error(exc, "write"))
    code = exit_code(exc)
    prefix = "reuse: " if code == EXIT_LOCKED else "reuse: error: "
    err.print(f"{prefix}{_escape(str(exc))}")
    raise typer.Exit(code)


class _Paths:
    """Document paths as shown: without the root's name when the database has
    one root, shortened to a width (:mod:`reuse.report.display`)."""

    def __init__(self, root: str | None = None) -> None:
        self.root = root

    def __call__(self, path: str | None, width: int = 0) -> str:
        from reuse.report.display import shorten_path, strip_root

        if not path:
            return ""
        return shorten_path(strip_root(path, self.root), width)

    def many(self, paths: list[str], width: int) -> dict[str, str]:
        """Each of ``paths`` as shown in ``width`` cells, different paths kept different."""
        from reuse.report.display import shorten_paths, strip_root

        stripped = {p: strip_root(p, self.root) for p in paths}
        shown = shorten_paths(stripped.values(), width)
        return {p: shown[s] for p, s in stripped.items()}


def _paths_of(con: duckdb.DuckDBPyConnection) -> _Paths:
    from reuse.report.reports import display_root

    return _Paths(display_root(con))


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
    """Find reused and plagiarised passages across a corpus of reports, stored in DuckDB.

    Example: reuse scan reports/ && reuse report
    """
    out.reset()
    err.reset()


@app.command(cls=_Command)
def scan(
    paths: Annotated[
        list[Path], typer.Argument(help="Folders (read recursively) or files.", metavar="PATH")
    ],
    db: DbOption = Path("reuse.duckdb"),
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            metavar="FILE",
            help="TOML file of detection parameters; an unknown section or key is refused.",
        ),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(metavar="X", help="LSH Jaccard threshold (candidates.threshold)."),
    ] = None,
    num_perm: Annotated[
        int | None, typer.Option(metavar="N", help="MinHash permutations (sketch.num_perm).")
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
            metavar="URL",
            help="Spark master for --engine spark (local[N], yarn, k8s://..., spark://...).",
        ),
    ] = "local[2]",
    spark_output: Annotated[
        Path | None,
        typer.Option(
            metavar="FOLDER",
            help="Folder the Spark job writes (parquet), then imported; default DB.spark.",
        ),
    ] = None,
    spark_conf: Annotated[
        list[str] | None,
        typer.Option(
            metavar="KEY=VALUE",
            help="A Spark setting (repeatable), e.g. spark.driver.memory=8g.",
        ),
    ] = None,
    input_format: Annotated[
        InputFormat,
        typer.Option(
            help="files: folders or files. parquet/json (Spark only): tables with a 'path' "
            "column and a 'text' or 'content' column."
        ),
    ] = InputFormat.files,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the summary as one JSON object on standard output."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each stage.")] = False,
) -> None:
    """Scan folders of reports into the database; unchanged files are skipped.

    Prints a summary: files, matches, reuse groups and templates as the
    database holds them after the scan, and the seconds the command took
    (--json: the same as one JSON object).

    Example: reuse scan data/ --db reuse.duckdb
    """
    started = _started()
    import logging

    import duckdb
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from reuse.config import Config
    from reuse.engine.pipeline import scan as run_scan

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
            console=err.get(),
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
    _print_scan_summary(result, db, started, as_json)


def _database_counts(db: Path) -> dict[str, int]:
    """Reuse groups and templates in the published database (after the scan)."""
    from reuse.store.snapshot import connect_reader

    con = connect_reader(db)
    try:
        row = con.execute(
            "SELECT (SELECT count(*) FROM groups), "
            "(SELECT count(*) FROM templates WHERE kind = 'template')"
        ).fetchone()
    finally:
        con.close()
    return {"n_groups": int(row[0]), "n_templates": int(row[1])} if row else {}


def scan_summary(result: ScanResult, db: Path, seconds: float) -> dict[str, Any]:
    """The summary of ``reuse scan --json``: the ``scans`` row's counts, reuse and
    boilerplate matches, reuse groups and templates in the database after the
    scan, the command's seconds and the rejected files."""
    summary: dict[str, Any] = {
        "scan_id": result.scan_id,
        "status": result.status,
        "database": str(db),
        **result.counts,
        "n_reuse": result.n_reuse,
        "n_boilerplate": result.n_boilerplate,
        "n_groups": result.n_groups,
        "n_templates": result.n_templates,
    }
    try:
        summary.update(_database_counts(db))
    except (*_db_errors(), OSError):
        pass  # the scan's own figures, then
    summary["seconds"] = round(seconds, 2)
    summary["stage_seconds"] = {k: round(v, 3) for k, v in result.timings.items()}
    summary["errors"] = [
        {"path": e.path, "stage": e.stage, "message": e.message} for e in result.errors
    ]
    return summary


def _print_scan_summary(result: ScanResult, db: Path, started: float, as_json: bool) -> None:
    summary = scan_summary(result, db, time.perf_counter() - started)
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, default=str))
    else:
        from rich.table import Table

        table = Table(title=f"scan {result.scan_id} into {_escape(str(db))}", show_header=False)
        table.add_column("what")
        table.add_column("count", justify="right")
        for label, key in (
            ("files", "n_files"),
            ("new", "n_new"),
            ("changed", "n_changed"),
            ("unchanged (skipped)", "n_unchanged"),
            ("deleted", "n_deleted"),
            ("rejected", "n_errors"),
            ("candidate passage pairs", "n_candidates"),
            ("reuse matches", "n_reuse"),
            ("new reuse matches", "n_new_matches"),
            ("new, ignored by verdict", "n_ignored"),
            ("boilerplate matches", "n_boilerplate"),
            ("reuse groups", "n_groups"),
            ("templates", "n_templates"),
            ("seconds", "seconds"),
        ):
            table.add_row(label, str(summary[key]))
        err.print(table)
        for e in result.errors[:20]:
            err.print(f"rejected: {_escape(e.path)}: {e.stage}: {_escape(e.message)}")
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
    from reuse.engine.spark import parse_settings, run_spark_scan, spark_session
    from reuse.engine.spark_output import check_new_database, import_output

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


@app.command("import", cls=_Command)
def import_(
    folder: Annotated[
        Path,
        typer.Argument(
            help="Output folder of a Spark scan (manifest.json, parquet).", metavar="FOLDER"
        ),
    ],
    db: DbOption = Path("reuse.duckdb"),
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the summary as one JSON object on standard output."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
) -> None:
    """Load the output of a Spark scan (jobs/spark_scan.py) into a new database.

    Example: reuse import scan-out/ --db reuse.duckdb
    """
    started = _started()
    import duckdb

    from reuse.engine.spark_output import import_output

    try:
        result = import_output(folder, db)
    except (ReuseError, duckdb.Error, OSError) as exc:
        _fail(exc)
    if not quiet or as_json:
        _print_scan_summary(result, db, started, as_json)
    elif result.errors:
        raise typer.Exit(EXIT_REJECTED)


def _read(db: Path, fetch: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """``fetch(connection)`` on a read-only connection; library errors end the command."""
    con = _connect(db)
    try:
        return fetch(con)
    except _db_errors() as exc:
        _fail(exc)
    finally:
        con.close()


def _print_json(data: Any) -> None:
    out.print_json(json.dumps(data, ensure_ascii=False, default=str))


def _connect(db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published database (see :mod:`reuse.store.snapshot`)."""
    from reuse.store.schema import SCHEMA_VERSION
    from reuse.store.snapshot import connect_reader

    try:
        con = connect_reader(db)
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except _db_errors() as exc:
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
    from rich.text import Text

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


def _share_option(help_text: str) -> Any:
    return typer.Option(min=0.0, max=1.0, metavar="X", help=help_text)


@app.command(cls=_Command)
def report(
    db: DbOption = Path("reuse.duckdb"),
    doc: Annotated[
        str | None,
        typer.Option(
            "--doc", metavar="PATH", help="Only pairs with this document (path or file name)."
        ),
    ] = None,
    min_chars: Annotated[
        int, typer.Option(metavar="N", help="Only passages of at least N characters.")
    ] = 0,
    min_share: Annotated[
        float,
        _share_option(
            "Only pairs where either document copied at least this share of its "
            "characters from the other (0.3: 30%)."
        ),
    ] = 0.0,
    min_similarity: Annotated[
        float, _share_option("Only passages of at least this similarity (0 to 1).")
    ] = 0.0,
    kind: Annotated[Kind, typer.Option(help="Which matches.")] = Kind.reuse,
    limit: Annotated[
        int | None,
        typer.Option(
            min=0,
            metavar="N",
            help=f"At most N document pairs, most copied first; 0: all "
            f"(default {REPORT_LIMIT}; 100 with --format html).",
        ),
    ] = None,
    max_chars: Annotated[
        int, typer.Option(metavar="N", help="Show at most N characters of a passage (0: all).")
    ] = 400,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help="text, json or html.")
    ] = ReportFormat.text,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the report to this file (html: a folder unless it ends in .html).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the output file if it exists.")
    ] = False,
) -> None:
    """Document pairs with reused passages: share of each document, then each passage side by side.

    The pairs with the most characters copied between them come first (copied:
    outside templates, formulaic lines and quotations); the first 20 are shown
    and a last line says how many more there are (--limit N, --limit 0 for
    all, --doc PATH for one document's pairs).

    With --doc, first the document's similarity report: share reused, share
    excluding boilerplate and quotations, largest source, per-section shares
    and every source. Differences inside a passage are marked: red in the
    first document, green in the second ([-deleted-] and {+inserted+} when the
    output is not a terminal). Matches a reviewer ignored are left out and counted.

    --format html -o DIR writes a folder: index.html (the corpus overview and
    the pairs, filterable and sortable) and one page per pair, side by side
    with the passages highlighted and the typed edits; -o FILE.html writes one
    self-contained page of at most 100 pairs (--limit) and says what it left out.

    An existing output file is kept unless --force; the database itself is
    never overwritten.

    Example: reuse report --doc data/004_481eeca183cd7a2c.txt --min-chars 100
    """
    from reuse.report.outputs import check_output
    from reuse.report.reports import document_similarity, pair_report

    if fmt is ReportFormat.html:
        from reuse.report.html import write_html_report

        con = _connect(db)
        try:
            result = write_html_report(
                con,
                output or Path("reuse-report.html"),
                doc,
                limit,
                force,
                kind=kind.value,
                min_chars=min_chars,
                min_share=min_share,
                min_similarity=min_similarity,
                database=db,
            )
        except _db_errors() as exc:
            _fail(exc)
        finally:
            con.close()
        err.print(result.summary(), markup=False)
        return
    target = output
    if target is not None:
        try:
            check_output(target, db, force)  # before the work, not after
        except ReuseError as exc:
            _fail(exc)
    con = _connect(db)
    try:
        data = pair_report(
            con,
            doc,
            min_chars,
            kind.value,
            with_text=True,
            limit=REPORT_LIMIT if limit is None else limit,
            min_share=min_share,
            min_similarity=min_similarity,
        )
        if doc is not None:
            data["similarity"] = document_similarity(con, doc)
        paths = _paths_of(con)
    except _db_errors() as exc:
        _fail(exc)
    finally:
        con.close()
    if target is None:
        _print_report(data, kind, fmt, max_chars, paths)
        return
    _write_report(target, db, force, data, kind, fmt, max_chars, paths)


def _write_report(
    target: Path,
    db: Path,
    force: bool,
    data: dict[str, Any],
    kind: Kind,
    fmt: ReportFormat,
    max_chars: int,
    paths: _Paths,
) -> None:
    """Write ``reuse report -o`` (text or JSON): the report printed to the file."""
    from rich.console import Console

    from reuse.report.outputs import open_output

    global out
    try:
        with open_output(target, db, force, text=True) as f:
            saved, out = out, Console(file=f, highlight=False)
            try:
                _print_report(data, kind, fmt, max_chars, paths)
            finally:
                out = saved
    except ReuseError as exc:
        _fail(exc)


def _print_similarity(sim: dict[str, Any], paths: _Paths) -> None:
    from rich.cells import cell_len
    from rich.text import Text

    from reuse.derive.provenance import format_date
    from reuse.report.display import Column, fit_table

    width = out.width
    rest = f"  ({sim['n_chars']} characters" + (
        f", dated {format_date(sim['doc_date'], sim.get('date_precision'))})"
        if sim.get("doc_date")
        else ")"
    )
    head = "Similarity report "
    out.print(
        Text.assemble(
            (head, "bold"),
            (paths(sim["path"], width - cell_len(head + rest)), "cyan"),
            rest,
        )
    )
    out.print(
        f"  reused: {sim['share']:.1%}   excluding boilerplate and quotations: "
        f"{sim['share_excluding']:.1%}   sources: {sim['n_sources']}"
    )
    if sim["largest_source"]:
        share = f" ({sim['largest_source_share']:.1%})"
        head = "  largest single source: "
        out.print(Text(head + paths(sim["largest_source"], width - cell_len(head + share)) + share))
    if sim["n_ignored"]:
        out.print(f"  {sim['n_ignored']} matched passage(s) ignored by a reviewer's verdict")
    if sim["sources"]:
        table, _ = fit_table(
            width,
            [
                Column("source", "path"),
                Column("share", "number", justify="right"),
                Column("chars", "number", justify="right"),
                Column("quoted", "number", justify="right"),
                Column("passages", "number", justify="right"),
            ],
            [
                [
                    paths(src["path"]),
                    f"{src['share']:.1%}",
                    src["reused_chars"],
                    src["quoted_chars"],
                    src["passages"],
                ]
                for src in sim["sources"]
            ],
            title="Sources",
        )
        out.print(table)
    if len(sim["sections"]) > 1:
        table, _ = fit_table(
            width,
            [
                Column("section", "text"),
                Column("chars", "number", justify="right"),
                Column("share", "number", justify="right"),
                Column("excluding", "number", justify="right"),
            ],
            [
                [
                    ("  " if sec["level"] == 2 else "") + sec["title"],
                    sec["end"] - sec["start"],
                    f"{sec['share']:.1%}",
                    f"{sec['share_excluding']:.1%}",
                ]
                for sec in sim["sections"]
            ],
            title="Sections",
        )
        out.print(table)
    out.print()


def _pair_lines(pair: dict[str, Any], paths: _Paths, width: int) -> list[Text]:
    """The ``A path  share copied (...)`` and ``B ...`` lines of a pair, each in
    ``width`` cells, the two paths shortened alike and kept apart."""
    from rich.cells import cell_len
    from rich.text import Text

    sides = []
    for label, d in (("A ", pair["doc_a"]), ("B ", pair["doc_b"])):
        figures = f"  {d['share']:.1%} copied ({d['reused_chars']} of {d['n_chars']} chars)"
        sides.append((label, d["path"], figures))
    room = min(width - cell_len(label + figures) for label, _, figures in sides)
    shown = paths.many([path for _, path, _ in sides], max(room, 16))
    return [
        Text.assemble((label, "bold"), (shown[path], "cyan"), figures)
        for label, path, figures in sides
    ]


def _print_report(
    data: dict[str, Any], kind: Kind, fmt: ReportFormat, max_chars: int, paths: _Paths
) -> None:
    if fmt is ReportFormat.json:
        _print_json(data)
        return
    from rich.table import Table

    if "similarity" in data:
        _print_similarity(data["similarity"], paths)
    plain = not out.is_terminal
    width = out.width
    if data.get("ignored"):
        out.print(f"{data['ignored']} match(es) ignored by a reviewer's verdict are not shown.")
    if not data["pairs"]:
        out.print(f"No {kind.value} matches among {data['documents']} documents.")
        return
    n_pairs = data["n_pairs"]
    shown = len(data["pairs"])
    plural = "s" if n_pairs != 1 else ""
    among = f"among {data['documents']} documents"
    order = f"; the {shown} with the most copied characters first" if shown < n_pairs else ""
    out.print(f"{n_pairs} document pair{plural} with {kind.value} {among}{order}\n")
    for rank, pair in enumerate(data["pairs"], 1):
        out.print(f"pair {rank} of {n_pairs}", style="bold")
        for line in _pair_lines(pair, paths, width):
            out.print(line)
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
    if shown < n_pairs:
        more = n_pairs - shown
        out.print(
            f"{shown} of {n_pairs} document pairs shown, the most copied characters first; "
            f"{more} more: --limit N shows N pairs, --limit 0 all of them, --doc PATH the "
            "pairs of one document (--min-share X, --min-similarity X narrow the list)."
        )


@app.command(cls=_Command)
def show(
    match_id: Annotated[
        int, typer.Argument(help="match_id from 'reuse report' or SQL.", metavar="MATCH_ID")
    ],
    db: DbOption = Path("reuse.duckdb"),
    context: Annotated[
        int, typer.Option(metavar="N", help="Characters of context on each side.")
    ] = 40,
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """One match in full: both passages in context, differences marked.

    Example: reuse show 5 --context 80
    """
    from rich.cells import cell_len
    from rich.text import Text

    from reuse.report.reports import match_detail

    m, paths = _read(db, lambda con: (match_detail(con, match_id, context), _paths_of(con)))
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
        where = f" [{s}:{e}]"
        shown = paths(m[f"path_{side}"], out.width - cell_len(where) - 2)
        text = Text.assemble(
            (f"{side.upper()} ", "bold"),
            (f"{shown}{where}\n", "cyan"),
            (m[f"before_{side}"], "dim"),
            ("[[" if plain else "", ""),
            body,
            ("]]" if plain else "", ""),
            (m[f"after_{side}"], "dim"),
        )
        out.print(text)
        out.print()


def _parse_params(items: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise typer.BadParameter(
                f"takes NAME=VALUE, got {item!r}", param_hint="'--param' / '-p'"
            )
        params[key] = value
    return params


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _query_table(db: Path, columns: list[str], rows: list[tuple]) -> Any:
    """``reuse query``'s rows as a table that fits the console: document paths
    shortened, numbers right-aligned, headers folded rather than cut."""
    from reuse.report.display import Column, fit_table, strip_root
    from reuse.report.reports import run_query

    try:
        roots = {r[0] for r in run_query(str(db), _ROOTS_SQL)[1]}
    except _db_errors():
        roots = set()
    root = next(iter(roots)) if len(roots) == 1 else None

    def is_path(v: Any) -> bool:
        return isinstance(v, str) and "\n" not in v and v.partition("/")[0] in roots

    specs = []
    for i, name in enumerate(columns):
        values = [r[i] for r in rows if r[i] is not None]
        if values and all(is_path(v) for v in values):
            specs.append(Column(name, "path"))
        elif values and all(_is_number(v) for v in values):
            specs.append(Column(name, "number", justify="right"))
        else:
            specs.append(Column(name, "text"))
    shown = [
        [
            strip_root(v, root) if specs[i].kind == "path" and v is not None else v
            for i, v in enumerate(r)
        ]
        for r in rows
    ]
    table, _ = fit_table(out.width, specs, shown, records=True)
    return table


#: The first component of every live document's path (a root's name).
_ROOTS_SQL = "SELECT DISTINCT split_part(path, '/', 1) FROM live_documents"


@app.command(cls=_Command)
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
        typer.Option(
            "--param",
            "-p",
            metavar="NAME=VALUE",
            help="Named parameter for $NAME in the SQL; one the query does not take is "
            "refused with the list of those it takes.",
        ),
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
    parameter the query does not take (the message lists those it takes).
    Tables fit the terminal: document paths are shortened in the middle, and
    rows too wide for a table are shown one field a line.

    Example: reuse query top_pairs -p min_chars=200
    """
    from rich.text import Text

    from reuse.report.reports import available_queries, find_query, query_description, run_query

    if list_queries or not query_arg:
        for name in available_queries():
            _, sql = find_query(name)
            first = query_description(sql).splitlines()
            out.print(f"{name:28} {_escape(first[0]) if first else ''}")
        return
    params = _parse_params(param or [])
    try:
        _, sql = find_query(query_arg)
        columns, rows = run_query(str(db), sql, params)
    except _db_errors() as exc:
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
    elif not rows:
        out.print(Text("  ".join(columns)), style="bold")  # the header, whole
        out.print("0 rows")
    else:
        out.print(_query_table(db, columns, rows))
        out.print(f"{len(rows)} rows")


def _dropped_note(dropped: list[str]) -> None:
    if dropped:
        out.print(
            f"({', '.join(dropped)}: left out at {out.width} columns; "
            "a wider terminal or --format json shows them)",
            style="dim",
        )


@app.command(cls=_Command)
def similarity(
    db: DbOption = Path("reuse.duckdb"),
    limit: Annotated[
        int | None, typer.Option(metavar="N", help="At most N documents (0: all).")
    ] = 20,
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """Rank the corpus by share reused, as a duplicate-check service reports it.

    Columns: the share copied (characters equal to a source, in reuse
    matches, outside templates, formulaic lines and quotations, over all
    characters), the characters in templates and formulaic lines, the
    largest single source. The same figures are the SQL view
    document_similarity. A narrow terminal leaves out chars, stock and
    sources (named below the table).

    Example: reuse similarity --limit 50
    """
    from reuse.report.display import Column, fit_table
    from reuse.report.reports import corpus_similarity

    rows, paths = _read(db, lambda con: (corpus_similarity(con, limit or None), _paths_of(con)))
    if fmt is Format.json:
        _print_json(rows)
        return
    table, dropped = fit_table(
        out.width,
        [
            Column("document", "path"),
            Column("chars", "number", optional=3, justify="right"),
            Column("copied", "number", justify="right"),
            Column("share", "number", justify="right"),
            Column("stock", "number", optional=2, justify="right"),
            Column("largest source", "path"),
            Column("its share", "number", justify="right"),
            Column("sources", "number", optional=1, justify="right"),
        ],
        [
            [
                paths(r["path"]),
                r["n_chars"],
                r["copied_chars"],
                f"{r['share']:.1%}",
                r["template_chars"] + r["boilerplate_chars"],
                paths(r["largest_source"]),
                f"{r['largest_source_share']:.1%}" if r["largest_source"] else "",
                r["n_sources"],
            ]
            for r in rows
        ],
    )
    out.print(table)
    _dropped_note(dropped)


def _member_lines(members: list[tuple[str, str, str]], paths: _Paths, width: int) -> list[Text]:
    """``  PATH WHERE TAIL`` lines of ``width`` cells for ``(path, where, tail)``
    triples: the paths shortened alike (to half the line, or PATH_WANT cells)
    and kept apart, each tail cut to the line."""
    from rich.cells import cell_len
    from rich.text import Text

    from reuse.report.display import PATH_WANT, crop

    if not members:
        return []
    room = width - 2 - max(cell_len(where) for _, where, _ in members)
    shown = paths.many(
        [path for path, _, _ in members], max(min(room - 12, max(PATH_WANT, width // 2)), 8)
    )
    lines = []
    for path, where, tail in members:
        rest = width - 2 - cell_len(shown[path] + where)
        lines.append(
            Text.assemble("  ", (shown[path], "cyan"), where, (crop(tail, max(rest, 0)), "dim"))
        )
    return lines


@app.command(cls=_Command)
def groups(
    db: DbOption = Path("reuse.duckdb"),
    limit: Annotated[int | None, typer.Option(metavar="N", help="At most N groups.")] = 20,
    min_documents: Annotated[
        int, typer.Option(metavar="N", help="Only groups of at least N documents.")
    ] = 2,
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """Reuse groups: passages reused across many documents, largest group first.

    A group is a passage and the passages that reuse it: every member matches
    the group's centre, so unrelated passages never chain into one group.
    Stock text in many documents is a template instead (reuse templates).
    Tables groups, group_members, group_matches.

    Example: reuse groups --min-documents 5
    """
    from rich.text import Text

    from reuse.report.reports import group_report

    data, paths = _read(db, lambda con: (group_report(con, limit, min_documents), _paths_of(con)))
    if fmt is Format.json:
        _print_json(data)
        return
    if not data:
        out.print("No reuse groups.")
        return
    width = out.width
    for g in data:
        out.print(
            Text.assemble(
                (f"group {g['group_id']}", "bold"),
                f": {g['n_documents']} documents, {g['n_members']} passages, "
                f"{g['n_matches']} matches, {g['mean_chars']:.0f} characters on average",
            )
        )
        members = [
            (m["path"], f" [{m['start']}:{m['end']}]", " " + m["excerpt"].replace("\n", " "))
            for m in g["members"]
        ]
        for line in _member_lines(members, paths, width):
            out.print(line)
        out.print()


class TemplateKind(str, Enum):
    template = "template"
    boilerplate = "boilerplate"
    all = "all"


@app.command(cls=_Command)
def templates(
    db: DbOption = Path("reuse.duckdb"),
    limit: Annotated[int | None, typer.Option(metavar="N", help="At most N templates.")] = 20,
    kind: Annotated[
        TemplateKind,
        typer.Option(help="template (stock text), boilerplate (formulaic lines) or all."),
    ] = TemplateKind.template,
    min_documents: Annotated[
        int, typer.Option(metavar="N", help="Only templates in at least N documents.")
    ] = 2,
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """Stock text shared by many documents, each template once, most documents first.

    A template is text found in at least T documents (templates.min_documents,
    templates.document_fraction): its members are aligned to one
    representative, and its text is not pairwise reuse. Shows the
    representative's text, the earliest dated member and some members.
    Tables templates, template_members.

    Example: reuse templates --limit 5
    """
    from rich.cells import cell_len
    from rich.text import Text

    from reuse.derive.provenance import format_date
    from reuse.report.reports import template_report

    data, paths = _read(
        db,
        lambda con: (template_report(con, limit, kind.value, min_documents), _paths_of(con)),
    )
    if fmt is Format.json:
        _print_json(data)
        return
    if not data:
        out.print("No templates.")
        return
    width = out.width
    for t in data:
        counts = f" ({t['kind']}): {t['n_documents']} documents, {t['n_members']} occurrences"
        out.print(Text.assemble((f"template {t['template_id']}", "bold"), counts))
        if t["earliest_member"]:
            when = format_date(t["earliest_date"], t["earliest_date_precision"])
            head, date = "  earliest: ", f" ({when})"
            shown = paths(t["earliest_member"], width - cell_len(head + date))
            out.print(Text.assemble(head, (shown, "cyan"), date))
        text = t["text"].replace("\n", " ")
        out.print(Text.assemble("  ", (text if len(text) <= 160 else text[:157] + "...", "dim")))
        members = [
            (m["path"], f" [{m['start']}:{m['end']}] similarity {m['similarity']:.2f}", "")
            for m in t["members"][:5]
        ]
        for line in _member_lines(members, paths, width):
            out.print(line)
        if t["n_members"] > 5:
            out.print(f"  ... and {t['n_members'] - 5} more (SELECT * FROM template_members)")
        out.print()


@app.command(cls=_Command)
def provenance(
    db: DbOption = Path("reuse.duckdb"),
    doc: Annotated[
        str | None, typer.Option("--doc", metavar="PATH", help="Only pairs with this document.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """Who copied from whom: per document pair, the likely source and the evidence.

    The source is the earlier-dated document (dates from file metadata, the
    file name, or the text's dateline or signature); without dates, the side
    the other adds a byline or photo caption to. View match_provenance.
    A pair whose source cannot be told is shown as A ? and B ?.

    Example: reuse provenance --doc 2024_report.txt
    """
    from reuse.report.display import Column, fit_table
    from reuse.report.reports import provenance_report

    records, paths = _read(db, lambda con: (provenance_report(con, doc), _paths_of(con)))
    if fmt is Format.json:
        _print_json(records)
        return
    if not records:
        out.print("No reuse.")
        return
    rows = []
    for r in records:
        if r["source"]:
            src, copy = paths(r["source"]), paths(r["copy"])
        else:
            src, copy = paths(r["path_a"]) + " ?", paths(r["path_b"]) + " ?"
        rows.append([src, copy, r["evidence"] or "", max(r["chars_a"], r["chars_b"])])
    table, _ = fit_table(
        out.width,
        [
            Column("source", "path"),
            Column("copy", "path"),
            Column("evidence", "text"),
            Column("chars", "number", justify="right"),
        ],
        rows,
        title="Who copied from whom",
    )
    out.print(table)


@app.command(cls=_Command)
def review(
    match_ids: Annotated[
        list[int], typer.Argument(help="match_id(s) from 'reuse report' or SQL.", metavar="ID")
    ],
    verdict: Annotated[Verdict, typer.Option("--verdict", help="confirmed or ignored.")],
    note: Annotated[
        str | None, typer.Option("--note", metavar="TEXT", help="Why, for the next reviewer.")
    ] = None,
    reviewer: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="Who reviews (default: REUSE_REVIEWER, else your user name).",
        ),
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
    import duckdb

    from reuse.store.verdicts import default_reviewer
    from reuse.store.verdicts import review as record

    try:
        keys = record(db, match_ids, verdict.value, note, reviewer or default_reviewer())
    except (ReuseError, duckdb.Error, OSError) as exc:
        _fail(exc)
    for match_id, key in zip(dict.fromkeys(match_ids), keys):
        out.print(f"match {match_id}: {verdict.value} (key {key[:12]})")


@app.command(cls=_Command)
def serve(
    db: DbOption = Path("reuse.duckdb"),
    host: Annotated[
        str,
        typer.Option(
            metavar="ADDRESS",
            help="Address to listen on (default: this machine only). Another address "
            "lets anyone who reaches it read the corpus and record verdicts.",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="N", min=1, max=65535, help="Port.")] = 8765,
    reviewer: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="Name on verdicts given without one (default: REUSE_REVIEWER, else your "
            "user name).",
        ),
    ] = None,
) -> None:
    """A local web app to review the database: documents, pairs, templates, verdicts.

    Documents ranked by share copied, with search by name and text and filters;
    each document's similarity report with its text marked in place; pairs side
    by side with their typed edits; templates and groups with their members;
    the shipped queries and read-only SQL; verdicts one by one or in bulk,
    stored as 'reuse review' stores them. It keeps serving while a nightly scan
    runs and shows the new scan once it is published. Stop it with Ctrl-C.

    Example: reuse serve --db reuse.duckdb --port 8765
    """
    from reuse.report.serve import LOOPBACK, run

    if host not in LOOPBACK:
        err.print(
            f"warning: listening on {host}: anyone who can reach it can read every "
            "document and record verdicts; there is no login",
            markup=False,
        )
    err.print(f"reuse serve: http://{_url_host(host)}:{port}/ (Ctrl-C stops it)", markup=False)
    try:
        run(str(db), host=host, port=port, reviewer=reviewer)
    except _db_errors() as exc:
        _fail(exc)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@app.command(cls=_Command)
def export(
    output: Annotated[Path, typer.Option("--output", "-o", metavar="FILE", help="File to write.")],
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

    Example: reuse export -o matches.parquet
    """
    from reuse.report.reports import export_matches

    try:
        n = export_matches(
            str(db), fmt.value if fmt else None, str(output), kind.value, force=force
        )
    except _db_errors() as exc:
        _fail(exc)
    err.print(f"wrote {n} matches to {_escape(str(output))}")
