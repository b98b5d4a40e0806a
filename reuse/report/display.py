"""How the command line shows document paths and tables in a terminal.

A document's path (``documents.path``) starts with the name of the root it
was scanned under (``gov_reports/national/2025_国务院政府工作报告.txt``).
Shown, it loses that name when the database holds one root
(:func:`root_of`), and when it does not fit its column it is shortened in
the middle so that its file name stays whole: ``national/2025_…`` becomes
``nat…/2025_国务院政府工作报告.txt`` or ``…/2025_国务院政府工作报告.txt``,
and only a file name wider than the column itself is cut, in its middle
(``17_高举中国特色…(十七大).txt``), keeping the start and the end that tell
documents apart (:func:`shorten_path`).

Widths are terminal cells (a Chinese character is two), decided from the
console's width: :func:`fit_table` sizes a table's columns so that its paths
get the room and its numbers and headers are never cut; rows too wide for
a table at all are shown one field a line (:func:`record_view`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

ELLIPSIS = "…"

#: Width a path column is given before optional columns are left out of a table.
PATH_WANT = 30
#: The narrowest a shortened path gets.
PATH_MIN = 8
#: A table whose paths would get fewer cells is shown as records (``fit_table(records=True)``).
PATH_READABLE = 20


def root_of(paths: Iterable[str]) -> str | None:
    """The root name to drop from shown paths: the first component when every
    path has one and it is the same, else None.

    >>> root_of(["r/a.txt", "r/sub/b.txt"]), root_of(["r/a.txt", "s/b.txt"]), root_of(["a.txt"])
    ('r', None, None)
    """
    roots = set()
    for path in paths:
        head, sep, _ = path.partition("/")
        if not sep:
            return None
        roots.add(head)
        if len(roots) > 1:
            return None
    return roots.pop() if roots else None


def strip_root(path: str, root: str | None) -> str:
    """``path`` without its root's name (``root/``) when it has one.

    >>> strip_root("gov_reports/national/2025.txt", "gov_reports")
    'national/2025.txt'
    >>> strip_root("other/2025.txt", "gov_reports")
    'other/2025.txt'
    """
    if root and path.startswith(root + "/") and len(path) > len(root) + 1:
        return path[len(root) + 1 :]
    return path


def _take_start(text: str, width: int) -> str:
    """The longest start of ``text`` at most ``width`` cells wide."""
    out, used = [], 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out)


def _take_end(text: str, width: int) -> str:
    """The longest end of ``text`` at most ``width`` cells wide."""
    return _take_start(text[::-1], width)[::-1]


def _middle(text: str, width: int) -> str:
    """``text`` cut in its middle to ``width`` cells, its start and end kept."""
    room = max(width - 1, 0)
    end = _take_end(text, room // 2)
    start = _take_start(text, room - cell_len(end))
    return start + ELLIPSIS + end


def shorten_path(path: str, width: int) -> str:
    """``path`` in at most ``width`` cells (0: as it is), its file name kept whole
    when it fits.

    The folders go first, from the last: ``a/…/2025_x.txt``, then
    ``…/2025_x.txt``; then the bare file name; only a file name wider than
    ``width`` is cut, in its middle.

    >>> shorten_path("national/2025_report.txt", 30)
    'national/2025_report.txt'
    >>> shorten_path("a/national/2025_report.txt", 22)
    'a/…/2025_report.txt'
    >>> shorten_path("national/2025_report.txt", 20)
    '…/2025_report.txt'
    >>> shorten_path("national/2025_report.txt", 15)
    '2025_report.txt'
    >>> shorten_path("national/2025_report.txt", 11)
    '2025_…t.txt'
    >>> shorten_path("national/2025_国务院政府工作报告.txt", 29)
    '…/2025_国务院政府工作报告.txt'
    """
    if width <= 0 or cell_len(path) <= width:
        return path
    head, sep, name = path.rpartition("/")
    name_w = cell_len(name)
    if sep and name_w + 2 <= width:
        # Whole leading folders that fit, then the ellipsis and the file name.
        kept = ""
        for part in head.split("/"):
            if cell_len(kept + part + "/") + name_w + 2 > width:
                break
            kept += part + "/"
        return f"{kept}{ELLIPSIS}/{name}"
    if name_w <= width:
        return name
    return _middle(name, max(width, 3))


def _around(path: str, pos: int, width: int) -> str:
    """``path`` in ``width`` cells with the characters from ``pos`` on visible:
    its start, an ellipsis, a window from just before ``pos``, an ellipsis,
    its end (the extension)."""
    end = _take_end(path, min(8, width // 3))
    head = _take_start(path, min(8, width // 4))
    lo = max(pos - 1, len(head))
    hi = len(path) - len(end)
    if lo >= hi:
        return shorten_path(path, width)
    room = width - cell_len(head) - cell_len(end) - 2
    window = _take_start(path[lo:hi], max(room, 1))
    gap_after = ELLIPSIS if lo + len(window) < hi else ""
    if gap_after == "":
        # The window reaches the end: no second ellipsis, one more cell for the window.
        window = _take_start(path[lo:hi], max(room + 1, 1))
    return head + (ELLIPSIS if lo > len(head) else "") + window + gap_after + end


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def shorten_paths(paths: Iterable[str], width: int) -> dict[str, str]:
    """Each of ``paths`` shortened to ``width`` cells (:func:`shorten_path`) so
    that different paths stay different: two paths that would look the same
    (``第十三届…决议.txt``) show where they differ (``第十三…第一次会议决议.txt``).

    >>> shown = shorten_paths(["npc/第十三届全国人大第一次会议决议.txt",
    ...                        "npc/第十三届全国人大第二次会议决议.txt"], 26)
    >>> sorted(shown.values())
    ['第十三…第一次会议决议.txt', '第十三…第二次会议决议.txt']
    """
    unique = list(dict.fromkeys(paths))
    shown = {p: shorten_path(p, width) for p in unique}
    if width <= 0:
        return shown
    by_form: dict[str, list[str]] = {}
    for p, form in shown.items():
        by_form.setdefault(form, []).append(p)
    for same in by_form.values():
        if len(same) < 2:
            continue
        for p in same:
            pos = max(_common_prefix(p, q) for q in same if q != p)
            cut = p.rfind("/") + 1
            if pos >= cut and cell_len(p[cut:]) + 2 > width:
                # They differ in the file name: show that part of it.
                shown[p] = _around(p[cut:], pos - cut, width)
            else:
                shown[p] = _around(p, pos, width)
    return shown


@dataclass(frozen=True)
class Column:
    """A column of :func:`fit_table`.

    ``kind``: ``"path"`` (shortened to fit, never wrapped), ``"number"``
    (never wrapped or cut), ``"text"`` (wraps); a header wraps between
    words, never inside one. ``optional`` columns (1, 2, ...; 0: never) are left out, 1
    first, when the paths would otherwise get less than :data:`PATH_WANT`
    cells.
    """

    header: str
    kind: str = "text"
    optional: int = 0
    justify: str = "left"


def crop(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, its end replaced by an ellipsis when cut.

    >>> crop("全国人民代表大会", 9), crop("abc", 9)
    ('全国人民…', 'abc')
    """
    if cell_len(text) <= width:
        return text
    return _take_start(text, max(width - 1, 0)) + ELLIPSIS


def _min_width(col: Column, values: Sequence[str]) -> int:
    """The narrowest ``col`` gets: never less than a word of its header (a
    header wraps between words, never inside one), a number's full width,
    :data:`PATH_MIN` cells of a path, 16 cells of text."""
    widest = max((cell_len(v) for v in values), default=0)
    word = max((cell_len(w) for w in col.header.split()), default=0)
    if col.kind == "path":
        return max(min(widest, PATH_MIN), word)
    if col.kind == "number":
        return max(widest, word)
    return max(min(widest, 16), word)


def _overhead(n_columns: int) -> int:
    """Cells a table of :func:`new_table` adds to its columns' widths."""
    return 2 * max(n_columns - 1, 0)


def new_table(title: str | None = None) -> Table:
    """A compact table: a rule under the header, two spaces between columns."""
    from rich import box
    from rich.table import Table

    return Table(
        title=title,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),
        header_style="bold",
        title_justify="left",
    )


def _fill(widths: dict[int, int], room: int, limits: dict[int, int]) -> int:
    """Widen the columns of ``limits`` evenly, each up to its limit, from ``room``
    spare cells; the cells left."""
    while room > 0:
        open_ = [i for i in limits if widths[i] < limits[i]]
        if not open_:
            break
        share = max(room // len(open_), 1)
        for i in open_:
            add = min(share, limits[i] - widths[i], room)
            widths[i] += add
            room -= add
            if room <= 0:
                break
    return room


def _widths(
    width: int, columns: Sequence[Column], values: dict[int, list[str]]
) -> tuple[dict[int, int], list[str], bool]:
    """The widths of the columns kept (in order), the headers of those left out,
    and whether the table fits ``width`` with readable paths (see :func:`fit_table`)."""
    keep = list(range(len(columns)))
    natural = {
        i: max([cell_len(columns[i].header)] + [cell_len(v) for v in values[i]]) for i in keep
    }
    minimum = {i: _min_width(columns[i], values[i]) for i in keep}
    paths = [i for i in keep if columns[i].kind == "path"]

    def spare(kept: list[int]) -> int:
        return width - _overhead(len(kept)) - sum(minimum[i] for i in kept)

    def paths_want(kept: list[int]) -> int:
        return sum(max(min(natural[i], PATH_WANT) - minimum[i], 0) for i in kept if i in paths)

    dropped: list[str] = []
    for i in sorted((i for i in keep if columns[i].optional), key=lambda i: columns[i].optional):
        if spare(keep) >= paths_want(keep):
            break
        keep.remove(i)
        dropped.append(columns[i].header)
    widths = {i: minimum[i] for i in keep}
    room = spare(keep)
    kept_paths = [i for i in keep if i in paths]
    # Water-fill, each column up to its natural width: the paths up to
    # PATH_WANT, then text, then the numbers' headers (unwrapped), then the paths.
    for group, cap in (
        (kept_paths, PATH_WANT),
        ([i for i in keep if columns[i].kind == "text"], None),
        ([i for i in keep if columns[i].kind == "number"], None),
        (kept_paths, None),
    ):
        limits = {i: natural[i] if cap is None else min(natural[i], cap) for i in group}
        room = _fill(widths, room, limits)
    fits = spare(keep) >= 0 and all(widths[i] >= min(natural[i], PATH_READABLE) for i in kept_paths)
    return widths, dropped, fits


def fit_table(
    width: int,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Any]],
    title: str | None = None,
    records: bool = False,
) -> tuple[RenderableType, list[str]]:
    """A table of ``rows`` (one value, or None, per column) that fits ``width`` cells.

    Numbers and headers are never cut (a header wraps between words, never
    inside one); path columns get the room that is left, shared evenly, and their
    paths are shortened to it (:func:`shorten_paths`); text columns wrap.
    Optional columns are left out when the paths would otherwise get less
    than :data:`PATH_WANT` cells each. With ``records``, rows that do not
    fit as a table (the numbers do not, or a path would get less than
    :data:`PATH_READABLE` cells) are shown one field a line instead
    (:func:`record_view`). Returns the table and the headers of the columns
    left out.
    """
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    values = {i: [row[i] for row in cells] for i in range(len(columns))}
    widths, dropped, fits = _widths(width, columns, values)
    if records and not fits:
        return record_view(width, columns, rows), []
    from rich.text import Text

    table = new_table(title)
    for i in widths:
        col = columns[i]
        path = col.kind == "path"
        table.add_column(
            Text(col.header),
            width=widths[i],
            no_wrap=path,
            overflow="ellipsis" if path else "fold",
            justify=col.justify,  # type: ignore[arg-type]
        )
    short = {i: shorten_paths(values[i], widths[i]) for i in widths if columns[i].kind == "path"}
    for row in cells:
        table.add_row(*(Text(short[i][row[i]] if i in short else row[i]) for i in widths))
    return table, dropped


def record_view(
    width: int, columns: Sequence[Column], rows: Sequence[Sequence[Any]]
) -> RenderableType:
    """Rows one field a line, each row under a rule (``-[ row 1 ]---``): the
    form of rows too wide for a table; paths shortened to the line."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    name_w = max((cell_len(c.header) for c in columns), default=0)
    value_w = max(width - name_w - 2, 8)
    short = {
        i: shorten_paths(["" if r[i] is None else str(r[i]) for r in rows], value_w)
        for i, c in enumerate(columns)
        if c.kind == "path"
    }
    parts: list[RenderableType] = []
    for k, row in enumerate(rows, 1):
        label = f"-[ row {k} ]"
        parts.append(Text(label + "-" * max(width - cell_len(label), 0), style="dim"))
        grid = Table.grid(padding=(0, 2, 0, 0))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for i, col in enumerate(columns):
            value = "" if row[i] is None else str(row[i])
            grid.add_row(Text(col.header), Text(short[i][value] if i in short else value))
        parts.append(grid)
    return Group(*parts)
