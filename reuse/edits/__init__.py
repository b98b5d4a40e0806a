"""Typed edits of a reused segment: what changed between two copies of a passage.

A match pairs two normalised passages, each a :class:`MatchSide`: document A's
``na.text[a0:a1]`` and document B's ``nb.text[b0:b1]``. :func:`typed_edits`
lists the differences between them as :class:`Edit` records, read from A to
B (an *insert* is text found only in B, a *delete* text found only in A),
each located in the ORIGINAL texts and given a category such as ``'place'``
or ``'caption'``.

Steps (all counts are in characters, i.e. Unicode code points):

1. **Character edit script.** ``rapidfuzz.distance.Levenshtein.opcodes`` of
   the two normalised passages (unit-cost insert, delete, substitute; a
   minimal script). Non-equal opcodes that touch each other are merged into
   one edit, so ``"。" -> "无锡"`` (a replace and an insert) is one substitution.
2. **Structural insertions.** An edit whose text lies on one side only (or
   whose other side is only punctuation) is tested first for a page marker,
   a photo caption and a byline (see *Categories*). Such an edit keeps its
   character extent: it is neither widened nor merged with a neighbour.
3. **Word level.** Every other edit is widened to jieba word boundaries. The
   words are those of ``jieba.posseg.cut(document, HMM=True)`` on the whole
   normalised document, computed only where needed: jieba segments each
   *block* (a run of Han characters, ASCII letters, digits and ``+#&._``)
   on its own, so only the blocks that hold the edit are segmented (a block
   longer than ``MAX_BLOCK_EXTENSION`` (48) characters either side of the
   edit is cut there), each block once per process (LRU cache keyed by the
   block's text, which recurs across the matches of a document and across
   reused text). A block's words follow jieba's most probable route through
   its word graph (no HMM); that route comes from jieba-rs (``rjieba``, the
   same dictionary and route, compiled) once it has given jieba's own route
   on a built-in sample in the process
   (:func:`reuse.edits.jieba_words.route_words`). jieba's HMM (its
   unknown-word recogniser, a Viterbi search over ~250 POS states per
   character, :mod:`reuse.edits.pos_hmm`) runs only on the runs of unknown
   characters that overlap the edit widened by ``HOT_MARGIN`` (2) characters,
   each run once per process; elsewhere unknown characters stay one-character
   words with their dictionary tags. Characters between blocks (punctuation,
   spaces) are one-character words tagged ``x``. If the
   first (last) changed character of a side lies inside a word, the edit
   grows to the left (right) by ``k`` characters on BOTH sides: the ``k``
   characters next to an edit are equal in A and B (they belong to the equal
   run between two edits), so growing both ranges by the same ``k`` keeps the
   pair an exact description of the difference. Growth repeats until both
   sides start and end on word boundaries, and never passes the previous
   edit, the next edit or the passage ends (it stops at them, cutting the
   word). An edit that grows until it touches the previous one is merged with
   it. Example: ``在北京市召开`` / ``在上海市召开``: the character edit
   ``北京 -> 上海`` becomes ``北京市 -> 上海市``, POS ``ns``.
   Cost, measured on cn_laws_regs (one process, cold caches, 30,000
   consecutive matches in pipeline order, 179,000 edits): ~65 µs per edit,
   ~0.4 ms per match (the previous per-window tagger: ~200 µs per edit);
   ~95 µs per edit on a sample of 3,000 matches (caches warm up less).
4. **Categories**, the first that applies:

   - ``'page_number'``: inserted or deleted text that is a page marker:
     ``- 3 -``, ``—3—``, ``第3页``, ``3/12``, ``Page 3``, ``共12页第3页``, or a
     bare number of at most 4 digits that stands alone on its line in the
     original text (only spaces between it and a line break or the text edge
     on both sides).
   - ``'caption'``: inserted or deleted text that looks like a photo caption:
     it contains ``图为`` (not ``试图为``/``意图为``...), ``摄影:``/``摄影/``/a
     final ``摄影``/``摄影记者``, ``(摄)``, ``记者 ... 摄``, ``新华社发``,
     ``供图``, ``图片来源``, ``图:``; or it is parenthesised (``(...)``,
     ``[...]``) or alone on its line(s) in the original and ends with ``摄``
     or ``供图``; or (last resort, after the byline test) it stands alone on
     its line(s) in the original and is dropped into a sentence of the other
     document (no ``。!?;:`` on either side of the insertion point there, and
     no line break between those two characters in the other original):
     a caption without credit, as in a speech republished as a news article.
   - ``'byline'``: inserted or deleted text with ``本报讯``, ``通讯员``,
     ``(记者 ...)``, ``记者`` + a 2-4 character name at a boundary, ``来源:``,
     ``编辑:``/``责任编辑:``, ``新华社 ... 电`` (a dateline), ``讯(``.
   - ``'date'``: every changed word is a time expression: POS ``t`` or part
     of a calendar date or clock time found by a regex in the edit's blocks
     and ``CONTEXT`` (8) characters either side
     (``2024年3月5日``, ``3月5日``, ``二〇二四年``, ``三月``, ``2024-03-05``,
     ``14:30``, ``下午3时``, ``上午``, ``星期一``); or the whole old or new text
     is such an expression. Durations (``三年``, ``十五日``, ``6个月``) are not
     dates even when jieba tags them ``t``: they are ``'number'``.
   - ``'place'`` (POS ``ns``), ``'person'`` (``nr``, ``nrt``, ``nrfg``),
     ``'organisation'`` (``nt``), ``'number'`` (POS ``m``/``q``/``mq``, or a word
     of digits and Chinese numerals only): every changed non-punctuation word
     on both sides has one of these classes; when they differ, the class of
     the longest changed word (the first one on a tie). jieba's dictionary
     tags some place names otherwise (``杨浦区``/nr, ``历下区``/n, ``渝中区``/nt);
     a word is re-tagged ``ns`` when it ends with a place suffix (``省 市 区 县
     镇 乡 村 街道``) after a stem of at least 2 characters that jieba knows
     as a name (``ns``/``nr*``/``nz``) or not at all, the word itself being
     tagged ``n``/``nr*``/``nt``/``nz``/``j`` and not a generic compound
     (``开发区``, ``地区``, ``城市``...); or when it is a noun-like word of
     at least 2 characters followed by a suffix word (``朝阳/ns 区/n``).
     Generic area words tagged ``n`` with a common-noun stem (``工业区``, but
     also real districts such as ``鼓楼区``) are not re-tagged, but within an
     edit that changes a place, a changed word ending in a place suffix
     counts as a place too (``历下区/ns -> 金水区/n``).
   - ``'punctuation'``: only punctuation, symbol or space characters changed.
   - ``'other'``.

5. **Offsets** are ORIGINAL offsets (end-exclusive). A non-empty normalised
   range ``[s, e)`` maps to ``NormalisedText.to_original(s, e)``; an empty one
   (the side of an insert or delete without text) at normalised index ``p`` to
   ``origin[p]``, the original position of the normalised character before
   which the other side's text goes, or ``origin[p - 1] + 1`` (just after the
   passage's last character) when ``p`` is the passage end. ``old_text`` and
   ``new_text`` are the original texts at those offsets, so they keep line
   breaks, full-width forms and traditional characters that normalisation
   folded away.
6. **Cap.** At most ``max_edits`` edits per match, the first ones in A order;
   the rest is not examined (the cost of a match is bounded too).

POS tags (``Edit.pos``) are jieba's tags of the changed words (after the
place-suffix re-tagging above), A's words first, each tag once, in order of
appearance, comma-joined; white-space tokens are skipped, punctuation keeps
jieba's ``x``. For a page number, caption or byline they are the tags of the
whole one-sided text, segmented on its own.
"""

from reuse.edits.jieba_load import load_prefix_dictionary
from reuse.edits.jieba_words import load_jieba
from reuse.edits.model import CATEGORIES, Edit, MatchSide
from reuse.edits.typed import typed_edits

__all__ = [
    "CATEGORIES",
    "Edit",
    "MatchSide",
    "load_jieba",
    "load_prefix_dictionary",
    "typed_edits",
]
