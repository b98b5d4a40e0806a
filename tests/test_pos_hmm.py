"""jieba's part-of-speech HMM, re-implemented: the same states, words and tags as jieba's."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reuse.edits import jieba_words
from reuse.edits.pos_hmm import hmm_tokens, viterbi

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def posseg():
    jieba_words.load_jieba(compiled=False)
    import jieba.posseg

    return jieba.posseg


def _runs() -> list[str]:
    """Runs jieba leaves to its HMM and other short texts: names, rare characters,
    digits and letters between Han characters, and random pieces of the sample reports."""
    fixed = [
        "王小丫",
        "张伟同志",
        "氢氘氚锗铟",
        "鄞州区蜀山街道",
        "第3条规定",
        "5G基站",
        "习近平总书记",
        "兀",
        "嘚瑟嘚瑟",
        "A股B股",
        "2024年3月5日",
    ]
    rng = random.Random(17)
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt")))
    blocks = jieba_words.BLOCK_RE.findall(text)
    pieces = []
    for _ in range(300):
        block = rng.choice(blocks)
        start = rng.randrange(len(block))
        pieces.append(block[start : start + rng.randint(1, 12)])
    rare = "氘氚锗铟碲铋钋砹氡钫镭锕钍镤铀镎钚镅锔锫锎锿镄钔锘铹嘚瑟兀豳鄞蜀邗犇淼焱垚"
    for _ in range(200):
        pieces.append("".join(rng.choice(rare + "的是在和了有") for _ in range(rng.randint(1, 9))))
    return fixed + pieces


def test_viterbi_gives_jiebas_states(posseg) -> None:
    from jieba.posseg.viterbi import viterbi as jieba_viterbi

    tables = (posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)
    for run in _runs():
        han = "".join(c for c in run if "\u4e00" <= c <= "\u9fd5")
        if han:
            assert viterbi(han) == jieba_viterbi(han, *tables)[1], han


def test_hmm_tokens_are_posseg_cut(posseg) -> None:
    jb = jieba_words.jieba_state()
    for run in _runs():
        expected = [(p.word, p.flag) for p in posseg.dt.cut(run, HMM=True)]
        tokens = hmm_tokens(run, jieba_words.route_words(run), jb.freq, jb.tags)
        assert [(w, t) for _, _, w, t in tokens] == expected, run
        assert "".join(w for _, _, w, _ in tokens) == run
        assert all(tokens[k][1] == tokens[k + 1][0] for k in range(len(tokens) - 1))
