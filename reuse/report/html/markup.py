"""Text and numbers as the HTML report's pages write them.

Everything that comes from the data is escaped with ``html.escape(quote=True)``
(:func:`esc`), so it is safe in element content and quoted attributes; a
document's text keeps its carriage returns (:func:`escape_text`).
"""

from __future__ import annotations

import html
from typing import Any


def esc(value: Any) -> str:
    """Text (or anything printable) escaped for element content and quoted attributes.

    >>> esc('<a href="x">&</a>')
    '&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;'
    """
    return html.escape("" if value is None else str(value), quote=True)


def escape_text(text: str) -> str:
    """Document text escaped for element content, carriage returns kept as ``&#13;``.

    A literal CR would be turned into a line feed by the HTML parser (a CR LF
    cut by a mark boundary would then show as two line breaks); a character
    reference keeps the DOM text identical to the original.

    >>> escape_text("<a>\\r\\n")
    '&lt;a&gt;&#13;\\n'
    """
    return html.escape(text, quote=True).replace("\r", "&#13;")


def number(value: Any, default: float = 0.0) -> float:
    """``value`` as a float, ``default`` when it is missing or not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def percent(value: Any) -> str:
    """A share 0..1 as a percentage for display.

    >>> percent(0.98772)
    '98.8 %'
    """
    return f"{number(value) * 100:.1f} %"
