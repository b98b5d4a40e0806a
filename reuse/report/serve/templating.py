"""The review app's Jinja2 templates (``templates/``, rendered on the server,
autoescaped) and the filters they format figures with: ``pct`` (a share as a
percentage), ``num`` (a count), ``sim`` (a similarity), ``short`` (a path cut
in the middle, the file name whole) and ``dated`` (a date at its precision)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

HERE = Path(__file__).parent


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: f"{float(v or 0):.1%}"
    env.filters["num"] = lambda v: f"{int(v or 0):,}"
    env.filters["sim"] = lambda v: "" if v is None else f"{float(v):.3f}"
    env.filters["short"] = _short_path
    env.filters["dated"] = _dated
    return env


def _dated(date: Any, precision: str | None) -> str:
    """A document date at its precision (``2025``, ``2025-03``, ``2025-03-05``)."""
    from reuse.text.date_precision import format_date

    return "" if date is None else format_date(date, precision)


def _short_path(path: str | None, keep: int = 60) -> str:
    """A path shortened in the middle, the file name kept whole."""
    path = path or ""
    if len(path) <= keep:
        return path
    head, _, name = path.rpartition("/")
    room = keep - len(name) - 2
    if room <= 0:
        return "…/" + name
    return head[: room // 2] + "…" + head[-(room - room // 2) :] + "/" + name
