"""How the HTML report shows document paths: relative to the folder all the
report's documents share, the file name whole, the folders cut short by the
style sheet when the column is narrow, the full path in the ``title``."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from reuse.report.html.markup import esc


def common_folder(paths: Iterable[Any]) -> str:
    """The longest folder (ending in ``/``) that every path is in; ``""`` if none.

    >>> common_folder(["gov/a/x.txt", "gov/b/y.txt", "gov/a/z.txt"])
    'gov/'
    >>> common_folder(["gov/a/x.txt"])
    'gov/a/'
    >>> common_folder(["a/x.txt", "b/y.txt"])
    ''
    """
    folders = [str(p).split("/")[:-1] for p in paths if p is not None]
    if not folders:
        return ""
    shared = folders[0]
    for parts in folders[1:]:
        n = 0
        while n < min(len(shared), len(parts)) and shared[n] == parts[n]:
            n += 1
        shared = shared[:n]
    return "".join(part + "/" for part in shared)


class PathDisplay:
    """How a report shows document paths.

    Relative to the folder all the report's documents share (:func:`common_folder`,
    shown once in the page header), as ``<span class="p">`` with the full path in
    its ``title``: the folders in ``span.dir`` (cut with an ellipsis by the style
    sheet when the column is narrow), then the file name, whole unless
    it is wider than :attr:`FILE_MAX` (then its middle is cut, the end and the
    extension kept).

    >>> d = PathDisplay(["gov/national/a.txt", "gov/b<1>.txt"])
    >>> d.prefix, d.relative("gov/national/a.txt")
    ('gov/', 'national/a.txt')
    >>> d.html("gov/b<1>.txt")
    '<span class="p" title="gov/b&lt;1&gt;.txt">b&lt;1&gt;.txt</span>'
    >>> d.html("gov/national/a.txt", "#pair-1")  # doctest: +NORMALIZE_WHITESPACE
    '<a class="p" href="#pair-1" title="gov/national/a.txt">\
<span class="dir">national/</span>a.txt</a>'
    """

    FILE_MAX = 40

    def __init__(self, paths: Iterable[Any] = ()) -> None:
        self.prefix = common_folder(paths)

    def relative(self, path: Any) -> str:
        """``path`` without the shared folder."""
        text = "" if path is None else str(path)
        return text[len(self.prefix) :] if self.prefix and text.startswith(self.prefix) else text

    def short_name(self, name: str) -> str:
        """A file name cut in the middle when wider than :attr:`FILE_MAX` (a wide
        character, such as a Chinese one, counts two), the end and the extension kept.

        >>> PathDisplay().short_name("x" * 60 + ".txt")
        'xxxxxxxxxxxxxxxxxxxxxxx…xxxxxxxxxxxx.txt'
        >>> PathDisplay().short_name("中" * 30 + ".txt")
        '中中中中中中中中中中中…中中中中中中.txt'
        """
        widths = [2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in name]
        if sum(widths) <= self.FILE_MAX:
            return name
        tail_room = self.FILE_MAX * 2 // 5
        head_room = self.FILE_MAX - tail_room - 1
        head = tail = used = 0
        while used + widths[head] <= head_room:
            used += widths[head]
            head += 1
        used = 0
        while used + widths[-1 - tail] <= tail_room:
            used += widths[-1 - tail]
            tail += 1
        return name[:head] + "…" + name[len(name) - tail :]

    def html(self, path: Any, href: str | None = None) -> str:
        """The path as ``span.p`` (see the class), or as a link ``a.p`` to ``href``.

        The file name is the element's own text (so it is never cut by the style
        sheet, and the element is the smallest one holding it).
        """
        folder, _, name = self.relative(path).rpartition("/")
        folder_html = f'<span class="dir">{esc(folder + "/")}</span>' if folder else ""
        inner = f"{folder_html}{esc(self.short_name(name))}"
        if href is not None:
            return f'<a class="p" href="{esc(href)}" title="{esc(path)}">{inner}</a>'
        return f'<span class="p" title="{esc(path)}">{inner}</span>'
