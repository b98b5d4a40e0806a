"""What ``reuse scan`` and ``reuse import`` show on the terminal: the progress
bar of the scan's stages while it runs, then the summary table and the
rejected files (at most :data:`SHOWN_ERRORS` of them), all on standard error."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reuse.cli.console import err, escape

if TYPE_CHECKING:
    from reuse.engine.result import ScanResult

#: Rejected files the summary names; the rest are counted.
SHOWN_ERRORS = 20

#: The summary's rows: label, key of :func:`reuse.cli.scan_commands.scan_summary`.
SUMMARY_ROWS = (
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
)


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A bar per stage on standard error while the block runs (none with
    ``quiet`` or when standard error is no terminal); yields the scan's
    ``progress(stage, done, total)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

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

        yield progress


def print_summary_table(summary: dict[str, Any], result: ScanResult, db: Path) -> None:
    """The summary as a table, then the rejected files."""
    from rich.table import Table

    table = Table(title=f"scan {result.scan_id} into {escape(str(db))}", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, key in SUMMARY_ROWS:
        table.add_row(label, str(summary[key]))
    err.print(table)
    for e in result.errors[:SHOWN_ERRORS]:
        err.print(f"rejected: {escape(e.path)}: {e.stage}: {escape(e.message)}")
    if len(result.errors) > SHOWN_ERRORS:
        err.print(f"... and {len(result.errors) - SHOWN_ERRORS} more (SELECT * FROM errors)")
