"""The consoles the commands print to, and document paths as they are shown.

``out`` (standard output) and ``err`` (standard error) are rich Consoles made
when first used, so that printing help does not import rich, and made again
for each run of a command, so that each run reads the terminal's width (or
``COLUMNS``). Document paths are shown without the root's name when the
database has one root, shortened to a width in cells
(:mod:`reuse.report.display`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb
    from rich.console import Console


class LazyConsole:
    """A rich Console made when first used, and made again after :meth:`reset`."""

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

    @contextmanager
    def redirected(self, console: Console) -> Iterator[None]:
        """Print to ``console`` instead (``reuse report -o``: a file) inside the block."""
        saved, self._console = self._console, console
        try:
            yield
        finally:
            self._console = saved

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


out: Any = LazyConsole(highlight=False, soft_wrap=False)
err: Any = LazyConsole(stderr=True, highlight=False)


def escape(text: str) -> str:
    """``text`` with rich's markup characters escaped, to print as it is."""
    from rich.markup import escape as escape_markup

    return escape_markup(text)


def print_json(data: Any) -> None:
    """``data`` as indented JSON on standard output (``--format json``)."""
    out.print_json(json.dumps(data, ensure_ascii=False, default=str))


class DocumentPaths:
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


def paths_of(con: duckdb.DuckDBPyConnection) -> DocumentPaths:
    """How the database behind ``con`` shows its document paths."""
    from reuse.report.documents import display_root

    return DocumentPaths(display_root(con))
