"""The text of a Word document's body, read from its main part as a stream.

:func:`body_text` parses word/document.xml with lxml ``iterparse`` and keeps
the paragraphs of the body in document order, one per line, tables included
(each cell's paragraphs as lines, cells in row order; a cell merged across
rows is read once). Text in content controls and tracked insertions is
included, tracked deletions are not. A run's text is rendered as
python-docx's ``CT_R.text`` does (``w:tab`` and ``w:ptab`` a tab, a line break
``w:br`` or ``w:cr`` a newline, a page or column break nothing,
``w:noBreakHyphen`` ``-``). Text boxes are left out. Memory does not grow
with the size of the part: each element is freed once read. The parse stops
as soon as the text passes ``max_chars`` characters (code points).
"""

from __future__ import annotations

from typing import Any

from reuse.ingest.failures import extract_error

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCUMENT, _BODY, _P, _TBL, _TR, _TC, _TCPR, _VMERGE, _R = (
    _W + t for t in ("document", "body", "p", "tbl", "tr", "tc", "tcPr", "vMerge", "r")
)
_T, _TAB, _PTAB, _BR, _CR, _NO_BREAK_HYPHEN = (
    _W + t for t in ("t", "tab", "ptab", "br", "cr", "noBreakHyphen")
)
# Elements that only wrap content: content controls and custom XML.
_BLOCK_WRAPPERS = frozenset(_W + t for t in ("sdt", "sdtContent", "customXml"))
# Inside a paragraph also: hyperlinks, tracked insertions and moves (the text
# as it now reads; w:del and w:moveFrom are left out), smart tags, simple
# fields (their displayed result) and bidirectional runs.
_INLINE_WRAPPERS = _BLOCK_WRAPPERS | frozenset(
    _W + t for t in ("hyperlink", "ins", "moveTo", "smartTag", "fldSimple", "dir", "bdo")
)
# The children of a run that are text, as python-docx's CT_R.text renders
# them; w:br is "\n" only for a line break (its default type), "" for a page
# or column break.
_RUN_CONTENT = frozenset((_T, _TAB, _PTAB, _BR, _CR, _NO_BREAK_HYPHEN))
_RUN_CHARS = {_TAB: "\t", _PTAB: "\t", _CR: "\n", _NO_BREAK_HYPHEN: "-"}

# What the streaming parse is inside of (one context per open element).
_SKIP, _ROOT, _BLOCK, _CELL, _TCPR_CTX, _TABLE, _ROW, _PARA, _RUN, _RUN_ITEM = range(10)


class _BodyText:
    """The lines of a document body, collected from a stream of start and end events.

    The rules are those of the module docstring: paragraphs of the body (and
    of table cells) one per line, the text of their runs as python-docx's
    ``CT_R.text`` renders it, wrappers looked through, anything else (text
    boxes, w:del, w:moveFrom, properties) skipped. ``n_chars`` is the length
    of the text so far, counting the paragraph being read as if it ended now.
    """

    def __init__(self, max_chars: int, path: str) -> None:
        self.max_chars = max_chars
        self.path = path
        self.lines: list[str] = []
        self.lines_chars = 0  # len("\n".join(self.lines))
        self.parts: list[str] = []  # text of the paragraph being read
        self.para_base = 0  # n_chars of the text once the paragraph is a line, minus its text
        self.para_chars = 0
        self.cells: list[list[Any]] = []  # open cells: [first line index, merged, vMerge seen]
        self.muted = 0  # open cells known to be the lower part of a vertical merge
        self.body_seen = False

    def _check(self, n_chars: int) -> None:
        if n_chars > self.max_chars:
            raise extract_error(
                self.path,
                f"refused: more than {self.max_chars:,} characters of text (ingest.max_chars);"
                " a zip bomb or not a report?",
            )

    def start(self, context: int, elem: Any) -> int:
        """The context of ``elem``, a child of an element of context ``context``."""
        tag = elem.tag
        if context in (_BLOCK, _CELL):
            if tag in _BLOCK_WRAPPERS:
                return _BLOCK
            if tag == _P:
                self.parts = []
                self.para_chars = 0
                self.para_base = self.lines_chars + (1 if self.lines else 0)
                return _PARA
            if tag == _TBL:
                return _TABLE
            if tag == _TCPR and context == _CELL:
                return _TCPR_CTX
            return _SKIP
        if context == _PARA:
            if tag in _INLINE_WRAPPERS:
                return _PARA
            return _RUN if tag == _R else _SKIP
        if context == _RUN:
            return _RUN_ITEM if tag in _RUN_CONTENT else _SKIP
        if context == _TABLE:
            if tag in _BLOCK_WRAPPERS:
                return _TABLE
            return _ROW if tag == _TR else _SKIP
        if context == _ROW:
            if tag in _BLOCK_WRAPPERS:
                return _ROW
            if tag == _TC:
                self.cells.append([len(self.lines), False, False])
                return _CELL
            return _SKIP
        if context == _TCPR_CTX:
            cell = self.cells[-1]
            if tag == _VMERGE and not cell[2]:
                cell[2] = True
                if elem.get(_W + "val", "continue") == "continue":
                    # The lower part of a cell merged across rows: read once, above.
                    cell[1] = True
                    self.muted += 1
            return _SKIP
        if context == _ROOT:
            if tag == _BODY and not self.body_seen:
                self.body_seen = True
                return _BLOCK
            return _SKIP
        return _SKIP

    def end(self, context: int, elem: Any) -> None:
        """``elem``, of context ``context``, is complete."""
        if context == _RUN_ITEM:
            if self.muted:
                return
            tag = elem.tag
            if tag == _T:
                piece = elem.text or ""
            elif tag == _BR:
                piece = "\n" if elem.get(_W + "type", "textWrapping") == "textWrapping" else ""
            else:
                piece = _RUN_CHARS[tag]
            if piece:
                self.parts.append(piece)
                self.para_chars += len(piece)
                self._check(self.para_base + self.para_chars)
        elif context == _PARA and elem.tag == _P:
            if self.muted:
                return
            self.lines.append("".join(self.parts))
            self.parts = []
            self.lines_chars = self.para_base + self.para_chars
            self._check(self.lines_chars)
        elif context == _CELL:
            first, merged, _ = self.cells.pop()
            if merged:
                self.muted -= 1
            if merged and first < len(self.lines):
                # Text read before the cell's w:tcPr said it is merged: drop it.
                dropped = self.lines[first:]
                del self.lines[first:]
                self.lines_chars = (
                    self.lines_chars - sum(map(len, dropped)) - len(dropped) if self.lines else 0
                )

    def text(self) -> str:
        return "\n".join(self.lines)


def body_text(stream: Any, max_chars: int, path: str) -> str:
    """The text of a document part read from ``stream``, parsed as a stream.

    Memory stays bounded: each element is cleared once read and earlier
    siblings are deleted, so the tree never holds more than the open elements;
    libxml2 refuses a single text node over 10 MB (a malformed-XML error). The
    parse stops as soon as the text passes ``max_chars`` characters.
    """
    from lxml import etree

    collector = _BodyText(max_chars, path)
    contexts: list[int] = []
    events = etree.iterparse(
        stream, events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False
    )
    for event, elem in events:
        if event == "start":
            if contexts:
                parent = contexts[-1]
                leaf = parent in (_SKIP, _RUN_ITEM)
                contexts.append(_SKIP if leaf else collector.start(parent, elem))
            elif elem.tag == _DOCUMENT:
                contexts.append(_ROOT)
            else:
                raise extract_error(
                    path, f"corrupt .docx: the main part is not a Word document ({elem.tag})"
                )
            continue
        context = contexts.pop()
        if context != _SKIP:
            collector.end(context, elem)
        # Done with this element: free it and the siblings before it.
        elem.clear(keep_tail=False)
        parent_elem = elem.getparent()
        if parent_elem is not None:
            while elem.getprevious() is not None:
                del parent_elem[0]
    return collector.text()
