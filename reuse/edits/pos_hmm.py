"""``jieba.posseg.cut(text, HMM=True)`` for the short runs of unknown characters
that the typed edits re-segment: the same words and tags, the HMM's Viterbi
search done with less work per step.

jieba's part-of-speech HMM has ~256 states ``(position, tag)`` (``B``/``M``/
``E``/``S`` of a word, and its POS tag). Its Viterbi search keeps, per
character ``t``, the best log-probability ``V[t][y]`` of each state ``y``
allowed for the character (jieba's ``char_state_tab``) and reachable from a
state of ``t - 1``:

    V[t][y] = max over y0 of  (V[t-1][y0] + trans[y0][y]) + emit[y][obs[t]]

with the missing transitions at ``-inf`` and missing emissions at
``-3.14e100``, ties broken by the larger state ``y0`` (jieba compares
``(probability, state)`` tuples). :func:`viterbi` computes the same sums in
the same order, so the same floats, and keeps the same tie-break, but skips
the predecessors without a transition to ``y`` (their sum is ``-inf``) and
builds no tuples: the 3,829 runs the typed edits of 30,000 cn_laws_regs
matches re-segment took 0.78 s instead of 1.83 s, with the same words and
tags. Tests compare it with jieba's on names, rare characters and pieces of
the sample reports.
"""

from __future__ import annotations

import re
from functools import lru_cache

from reuse.edits.model import Token

__all__ = ["HAN_DETAIL_RE", "hmm_tokens", "other_words", "viterbi"]

_MIN_FLOAT = -3.14e100
_NEG_INF = float("-inf")
#: jieba.posseg's ``re_han_detail``: the Han pieces of a run of one-character words.
HAN_DETAIL_RE = re.compile("([\u4e00-\u9fd5]+)")
_SKIP_DETAIL_RE = re.compile(r"([.0-9]+|[a-zA-Z0-9]+)")
_NUM_RE = re.compile(r"[.0-9]+")
_ENG_RE = re.compile("[a-zA-Z0-9]+")

State = tuple[str, str]


class _Model:
    """jieba.posseg's HMM tables, with each state's successors as a set."""

    def __init__(self) -> None:
        from jieba.posseg import char_state_tab_P, emit_P, start_P, trans_P

        self.char_states: dict[str, tuple[State, ...]] = char_state_tab_P
        self.start: dict[State, float] = start_P
        self.trans: dict[State, dict[State, float]] = trans_P
        self.emit: dict[State, dict[str, float]] = emit_P
        self.all_states = tuple(trans_P.keys())
        self.successors = {y: frozenset(t) for y, t in trans_P.items()}


@lru_cache(maxsize=1)
def _model() -> _Model:
    return _Model()


def viterbi(obs: str) -> list[State]:
    """The most probable state of each character of ``obs`` (non-empty), as
    ``jieba.posseg.viterbi.viterbi(obs, char_state_tab_P, start_P, trans_P, emit_P)[1]``."""
    m = _model()
    trans, emit, char_states = m.trans, m.emit, m.char_states
    first = obs[0]
    v = {
        y: m.start[y] + emit[y].get(first, _MIN_FLOAT) for y in char_states.get(first, m.all_states)
    }
    paths: list[dict[State, State | None]] = [dict.fromkeys(v)]
    for t in range(1, len(obs)):
        c = obs[t]
        prev = [x for x in v if trans[x]]
        expected: set[State] = set()
        for x in prev:
            expected |= m.successors[x]
        states = set(char_states.get(c, m.all_states)) & expected
        if not states:
            states = expected if expected else set(m.all_states)
        nv: dict[State, float] = {}
        back: dict[State, State | None] = {}
        for y in states:
            e = emit[y].get(c, _MIN_FLOAT)
            best_p = _NEG_INF
            best_y: State | None = None
            for y0 in prev:
                tr = trans[y0].get(y)
                if tr is None:
                    continue
                p = v[y0] + tr + e
                if best_y is None or p > best_p or (p == best_p and y0 > best_y):
                    best_p, best_y = p, y0
            if best_y is None or best_p == _NEG_INF:
                # every sum is -inf: jieba's max of (-inf, y0) tuples, the largest y0
                best_p, best_y = _NEG_INF, max(prev) if prev else None
            nv[y] = best_p
            back[y] = best_y
        v = nv
        paths.append(back)
    state = max((p, y) for y, p in v.items())[1]
    route: list[State] = [state] * len(obs)
    for i in range(len(obs) - 1, 0, -1):
        route[i] = state
        previous = paths[i][state]
        assert previous is not None
        state = previous
    route[0] = state
    return route


def _decode(piece: str, out: list[tuple[str, str]]) -> None:
    """jieba.posseg's ``__cut``: words and tags of a run of Han characters."""
    route = viterbi(piece)
    begin = nexti = 0
    for i, c in enumerate(piece):
        pos, tag = route[i]
        if pos == "B":
            begin = i
        elif pos == "E":
            out.append((piece[begin : i + 1], tag))
            nexti = i + 1
        elif pos == "S":
            out.append((c, tag))
            nexti = i + 1
    if nexti < len(piece):
        out.append((piece[nexti:], route[nexti][1]))


def _detail(buf: str, out: list[tuple[str, str]]) -> None:
    """jieba.posseg's ``__cut_detail``."""
    for blk in HAN_DETAIL_RE.split(buf):
        if not blk:
            continue
        if HAN_DETAIL_RE.match(blk):
            _decode(blk, out)
        else:
            out.extend(other_words(blk))


def other_words(piece: str) -> list[tuple[str, str]]:
    """jieba.posseg's ``__cut_detail`` of a piece without Han characters:
    ``(word, tag)``, numbers ``m``, other runs of letters and digits ``eng``,
    any other character ``x``."""
    out = []
    for x in _SKIP_DETAIL_RE.split(piece):
        if x:
            out.append((x, "m" if _NUM_RE.match(x) else "eng" if _ENG_RE.match(x) else "x"))
    return out


def hmm_tokens(
    run: str, words: list[str], freq: dict[str, int], tags: dict[str, str]
) -> tuple[Token, ...]:
    """``jieba.posseg.cut(run, HMM=True)`` as tokens ``(start, end, word, tag)``,
    for ``run`` one jieba block (a run of Han characters, ASCII letters, digits
    and ``+#&._``) whose most probable route is ``words`` (jieba's
    ``__cut_DAG``, with jieba's prefix dictionary ``freq`` and tag table ``tags``)."""
    out: list[tuple[str, str]] = []
    buf = ""

    def flush() -> None:
        if len(buf) == 1:
            out.append((buf, tags.get(buf, "x")))
        elif not freq.get(buf):
            _detail(buf, out)
        else:
            out.extend((c, tags.get(c, "x")) for c in buf)

    for word in words:
        if len(word) == 1:
            buf += word
            continue
        if buf:
            flush()
            buf = ""
        out.append((word, tags.get(word, "x")))
    if buf:
        flush()
    tokens: list[Token] = []
    pos = 0
    for word, tag in out:
        tokens.append((pos, pos + len(word), word, tag))
        pos += len(word)
    return tuple(tokens)
