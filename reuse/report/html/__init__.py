"""The HTML report: self-contained HTML pages for reviewers of reused text.

Every page needs no network: the style sheet and the one script
(:data:`reuse.report.html.assets.SCRIPT`, the same on every page) are inline,
and a Content-Security-Policy ``<meta>`` lets only that script run
(``script-src`` names it by its SHA-256 hash), so text injected through a
document could not run even if it escaped the escaping.

The report comes in two forms (the rule is
:func:`reuse.report.html.write.write_html_report`'s):

* **one file** (:func:`reuse.report.html.pages.render_html`): the index
  (below) with its pair list linking to ``#pair-N`` sections further down the
  same page;
* **a folder** (:func:`reuse.report.html.pages.render_index`,
  :func:`reuse.report.html.pages.render_pair_page`): ``index.html`` and one page
  per document pair, ``pairs/0001.html`` ... in the order of the pair list.

The index, top to bottom: a header (title, generation time, database, how many
pairs are shown; a notice when pairs were left out, with the command that shows
them all), a filter box that narrows every table to the rows whose paths contain
all the words typed, the corpus overview (one row per document from the
``document_similarity`` view: share copied, copied characters, stock
characters, largest source; initially by share, largest first) and the
document pairs ranked by copied characters (as ``reuse report`` ranks them).
Every table sorts by a click on a column header (numbers largest first on the
first click, text A to Z; a second click reverses).

Paths are shown relative to the folder all the report's documents share (see
:class:`reuse.report.html.paths.PathDisplay`), the file name always whole,
the folders cut short (with an ellipsis) when the column is narrow, never
wrapped over lines; the full path is in the ``title`` attribute.

A document pair is one ``<section class="pair" id="pair-N">``: a header (both
paths, their shares, the number of passages), a list of the passages, the two
documents side by side, each in its own scroll box (``div.box``), in full, with
line breaks kept, and (when the data has them) the typed edits of its passages
(table ``edits``: passage, op, text in A, text in B, category).

Inside a box the text is cut at every boundary (passage starts and ends,
difference starts and ends) into non-overlapping pieces. A piece covered by a
passage is inside a ``<mark class="KIND">`` (``reuse``, ``boilerplate`` or
``quotation``) with ``data-match`` (the passage's ``match_id``) and
``data-side`` (``a`` or ``b``); a piece covered by several overlapping passages
belongs to the one with the lowest ``match_id`` and its mark lists all of them
in ``data-covers``. The first mark of a passage on a side has the id
``m<match_id>-a`` / ``m<match_id>-b`` (later fragments of a passage split by an
overlapping one carry no id). Differences are spans inside the marks:
``span.del`` (in A, deleted or replaced in B), ``span.ins`` (in B, inserted or
replacing text of A), and an empty ``span.gap`` where the other side has text
that this side lacks; their ``title`` shows the other side's text. Marks
never nest in one another and spans never cross marks, so the HTML is always
well formed.

Clicking a passage (or pressing Enter on it) makes all its marks in the pair
``active`` and scrolls the other column's box so the corresponding place is
level with the click. A passage's link in the passage list or the edits table
scrolls box A to it.

All offsets are code-point offsets into the original texts, which is what
Python ``str`` indexing uses, so astral characters (such as "𠮷") need no
special care. Every piece of text that comes from the data is escaped with
``html.escape(quote=True)``; the script contains no data at all (it reads the
DOM).

The modules, from the data to the files: :mod:`~reuse.report.html.data` reads
what the report shows; :mod:`~reuse.report.html.side` marks one document's
text, :mod:`~reuse.report.html.pair` builds a pair's section,
:mod:`~reuse.report.html.index` the index's tables,
:mod:`~reuse.report.html.pages` whole pages (in the shell of
:mod:`~reuse.report.html.assets`, with the paths of
:mod:`~reuse.report.html.paths` and the escaping of
:mod:`~reuse.report.html.markup`); :mod:`~reuse.report.html.write` writes them.
"""
