"""The typer classes of the command line: the app, which notes when a run of a
command started, and the command, whose help names an argument by its metavar.

A run of ``reuse ...`` (or ``python -m reuse``) starts when this module is
imported, its imports being typer's only; a command invoked through click in
a process that has run one before (as by CliRunner) starts when the app is
called. ``reuse scan`` reports the seconds since then (:func:`started`).
"""

from __future__ import annotations

import time
from typing import Any

import typer
import typer.core

#: When this module was imported: a command run as ``reuse ...`` starts about here.
_IMPORTED = time.perf_counter()

#: When the run of the app in progress started; None outside a run.
_RUN_STARTED: float | None = None


class TimedApp(typer.Typer):
    """The typer app, noting when a command run started (:func:`started`)."""

    _calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        global _RUN_STARTED
        _RUN_STARTED = _IMPORTED if TimedApp._calls == 0 else time.perf_counter()
        TimedApp._calls += 1
        try:
            return super().__call__(*args, **kwargs)
        finally:
            _RUN_STARTED = None


def started() -> float:
    """When this run of a command started: at the import of this module for
    ``reuse ...`` and ``python -m reuse``, else (a command invoked through
    click, as by CliRunner) now."""
    return _RUN_STARTED if _RUN_STARTED is not None else time.perf_counter()


def _no_type(ctx: Any) -> None:
    return None


class Command(typer.core.TyperCommand):
    """A command whose help names an argument by its metavar only (``PATH``),
    without the type typer adds (``<list[Path]>``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, typer.core.TyperArgument) and param.metavar:
                param.display_type_rich = _no_type  # type: ignore[method-assign]
