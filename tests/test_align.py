"""Verification, chaining and exact alignment of candidate passages."""

from __future__ import annotations

import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from reuse.config.detection import AlignConfig
from reuse.detect.align import TextAids, align_pair, chain
from reuse.detect.segments import Segment, drop_overlaps
from reuse.detect.verify import Alphabet, verify
from reuse.text.normalise import normalise
from reuse.text.segment import segment
from reuse.text.shingle import UnitCounts

BODY = normalise(
    "经济开发区始终坚持多元协同、融合发展、资源共享的原则，打破单一的传统树状组织架构，"
    "以党建融合为引领，通过建立区域党建联盟、党建网格、社区功能型党组织等，形成上下贯通、"
    "横向联动的组织体系，开拓共建共治共享的治理新局面。出台实施意见等文件，通过把党组织建在"
    "网格上，推进党建网格与政法、民政、警务等网格多网融合，打造党建加网格治理新模式。"
).text
OTHER_A = normalise(
    "高新区加强三级联动，形成工作合力，每季度召开会议研究部署城市基层党建工作。"
).text
OTHER_B = normalise(
    "完善组织体系，延伸服务触角，聚焦居民需求，开展为民服务，提升服务水平和质量。"
).text


def _seeds(a: str, b: str, cfg: AlignConfig) -> np.ndarray:
    """All passage pairs of a and b that verify (what LSH would hand over, at most)."""
    sa, sb = segment(a), segment(b)
    pa = np.stack((sa.passage_starts, sa.passage_ends), 1)
    pb = np.stack((sb.passage_starts, sb.passage_ends), 1)
    ia, ib = np.meshgrid(np.arange(len(pa)), np.arange(len(pb)), indexing="ij")
    ia, ib = ia.ravel(), ib.ravel()
    ok = verify(a, b, pa[ia], pb[ib], cfg.verify_similarity)
    return np.concatenate((pa[ia[ok]], pb[ib[ok]]), axis=1)


def test_verify_keeps_similar_and_drops_different() -> None:
    spans = np.array([[0, 40]])
    assert verify(BODY, BODY, spans, spans, 0.9).tolist() == [True]
    assert verify(OTHER_A, OTHER_B, np.array([[0, 30]]), np.array([[0, 30]]), 0.5).tolist() == [
        False
    ]


def test_chain_splits_off_diagonal_seeds() -> None:
    seeds = np.array([[0, 60, 100, 160], [50, 110, 150, 210], [0, 60, 900, 960]])
    clusters = [c.tolist() for c in chain(seeds, max_gap=50)]
    assert sorted(clusters) == [[0, 1], [2]]


@pytest.mark.parametrize(
    "insert",
    ["", "（图为活动现场。记者 张三 摄）", "-12-", "本报记者李四报道。"],
    ids=["verbatim", "caption", "page-number", "byline"],
)
def test_inserted_piece_is_tolerated_inside_one_segment(insert: str) -> None:
    cfg = AlignConfig()
    mid = len(BODY) // 2
    a = OTHER_A + BODY + OTHER_A
    b = OTHER_B + BODY[:mid] + normalise(insert).text + BODY[mid:] + OTHER_B
    segs = align_pair(a, b, _seeds(a, b, cfg), cfg)
    assert len(segs) == 1
    s = segs[0]
    assert a[s.a_start : s.a_end] == BODY
    assert s.b_start == len(OTHER_B)
    assert s.b_end == len(OTHER_B) + len(BODY) + len(normalise(insert).text)
    assert s.edit_distance == Levenshtein.distance(a[s.a_start : s.a_end], b[s.b_start : s.b_end])
    assert s.similarity == pytest.approx(1 - s.edit_distance / s.length)


def test_long_replacement_splits_the_segment() -> None:
    cfg = AlignConfig(max_gap=30)
    first, second = BODY[:90], BODY[90:]
    filler_a = OTHER_A * 2
    filler_b = OTHER_B * 2
    a = first + filler_a + second
    b = first + filler_b + second
    segs = align_pair(a, b, _seeds(a, b, cfg), cfg)
    assert len(segs) == 2
    assert all(s.similarity > 0.9 for s in segs)


def test_short_or_dissimilar_pieces_are_dropped() -> None:
    cfg = AlignConfig(min_match_chars=500)
    a = OTHER_A + BODY
    b = BODY + OTHER_B
    assert align_pair(a, b, _seeds(a, b, AlignConfig()), cfg) == []


def test_no_seeds_no_segments() -> None:
    assert align_pair(BODY, BODY, np.zeros((0, 4), dtype=np.int64)) == []


def test_overlapping_duplicates_keep_the_longest() -> None:
    long = Segment(0, 100, 0, 100, 0, 1.0)
    inner = Segment(10, 60, 10, 60, 0, 1.0)
    repeated_in_b = Segment(10, 60, 500, 550, 0, 1.0)
    elsewhere = Segment(200, 260, 700, 760, 0, 1.0)
    assert drop_overlaps([inner, long, repeated_in_b, elsewhere]) == [long, elsewhere]


def test_of_two_source_windows_the_one_with_more_equal_characters_wins() -> None:
    # An amendment law's clause matches the old clause (a few words changed)
    # and, less well but a little longer, its neighbour: the old clause wins.
    clause = Segment(0, 80, 300, 380, 2, 1 - 2 / 80)
    neighbour = Segment(0, 80, 380, 470, 30, 1 - 30 / 90)
    assert drop_overlaps([neighbour, clause]) == [clause]


def _rich_texts(rng: np.random.Generator, n: int, length: int) -> list[str]:
    """Texts over ~600 characters (Han, Latin, Latin-1, punctuation, an astral one):
    more than the 255 an Alphabet moves, some of them below 256 already."""
    pool = [chr(c) for c in range(0x4E00, 0x4E00 + 500)]
    pool += list("abcxyz0123456789 ,.;:!?。") + ["é", "ü", "·", "\U00020000"]
    weights = 1.0 / np.arange(1, len(pool) + 1)  # a few frequent, many rare
    weights /= weights.sum()
    return ["".join(rng.choice(pool, size=length, p=weights)) for _ in range(n)]


def test_alphabet_keys_keep_exactly_which_characters_are_equal() -> None:
    rng = np.random.default_rng(3)
    texts = _rich_texts(rng, 6, 400)
    alphabet = Alphabet(texts)
    keys = [alphabet.keys(t) for t in texts]
    assert [len(k) for k in keys] == [len(t) for t in texts]
    assert sum(ord(c) < 256 for c in "".join(keys)) > 0.6 * sum(len(t) for t in texts)
    chars = sorted(set("".join(texts)))
    mapped = [alphabet.keys(c) for c in chars]
    assert len(set(mapped)) == len(chars)  # a permutation: no two characters merge
    assert all(alphabet.keys(t) == "".join(alphabet.keys(c) for c in t) for t in texts)


def test_alignment_on_alphabet_keys_is_the_same() -> None:
    # rapidfuzz's scores, scripts and distances depend only on which characters
    # are equal: on the keys they are the same as on the texts.
    from reuse.detect.verify import verify_texts

    rng = np.random.default_rng(5)
    texts = _rich_texts(rng, 40, 150)
    # near copies: change, drop and insert a few characters
    copies = []
    for t in texts:
        chars = list(t)
        for _ in range(int(rng.integers(0, 30))):
            k = int(rng.integers(0, len(chars)))
            op = rng.integers(0, 3)
            if op == 0:
                chars[k] = texts[0][k % len(texts[0])]
            elif op == 1:
                del chars[k]
            else:
                chars.insert(k, texts[1][k % len(texts[1])])
        copies.append("".join(chars))
    alphabet = Alphabet(texts + copies)
    ka = [alphabet.keys(t) for t in texts]
    kb = [alphabet.keys(t) for t in copies]
    for threshold in (0.4, 0.5, 0.8):
        assert verify_texts(texts, copies, threshold).tolist() == (
            verify_texts(ka, kb, threshold).tolist()
        )
    for a, b, x, y in zip(texts, copies, ka, kb):
        assert Levenshtein.opcodes(a, b).as_list() == Levenshtein.opcodes(x, y).as_list()
    cfg = AlignConfig()
    doc_a, doc_b = BODY + texts[2] + BODY, OTHER_A + BODY + copies[2] + OTHER_B
    alphabet = Alphabet([doc_a, doc_b])
    seeds = _seeds(doc_a, doc_b, cfg)
    aids = (
        TextAids(alphabet.keys(doc_a), UnitCounts(doc_a)),
        TextAids(alphabet.keys(doc_b), UnitCounts(doc_b)),
    )
    plain = align_pair(doc_a, doc_b, seeds, cfg)
    assert plain and align_pair(doc_a, doc_b, seeds, cfg, aids) == plain
