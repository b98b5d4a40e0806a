"""Reuse groups: passage nodes per document, connected components, deterministic order.

Run as a script (``python tests/test_groups.py``) to time 400,000 synthetic
matches over 3,000 documents.
"""

from __future__ import annotations

import itertools
import random
import time

import numpy as np
import pytest

from reuse.derive.groups import GroupMember, ReuseGroup, reuse_groups

Side = tuple[int, int, int, int, int, int, int]


def _stock_paragraph(
    docs: list[int], offsets: dict[int, int], length: int, rng: random.Random, first_id: int
) -> list[Side]:
    """All pairwise matches of one paragraph at ``offsets[doc]``, spans jittered by ±5."""

    def jitter(doc: int) -> tuple[int, int]:
        s = offsets[doc] + rng.randint(-5, 5)
        return s, offsets[doc] + length + rng.randint(-5, 5)

    sides = []
    for k, (a, b) in enumerate(itertools.combinations(docs, 2)):
        sides.append((first_id + k, a, *jitter(a), b, *jitter(b)))
    return sides


def _shape(groups: list[ReuseGroup]) -> list[tuple]:
    return [(g.group_no, g.members, g.match_ids) for g in groups]


def test_stock_paragraph_in_twelve_documents_is_one_group() -> None:
    rng = random.Random(1)
    docs = list(range(100, 112))
    offsets = {d: rng.randint(10, 5000) for d in docs}
    sides = _stock_paragraph(docs, offsets, 200, rng, first_id=1)
    assert len(sides) == 66

    (group,) = reuse_groups(sides)
    assert group.group_no == 1
    assert group.n_documents == 12
    assert len(group.members) == 12
    assert [m.doc_id for m in group.members] == docs
    assert group.match_ids == tuple(range(1, 67))
    for m in group.members:  # the hull of the jittered spans
        assert offsets[m.doc_id] - 5 <= m.start <= offsets[m.doc_id] + 5
        assert offsets[m.doc_id] + 195 <= m.end <= offsets[m.doc_id] + 205


def test_overlapping_spans_are_one_node_and_its_star() -> None:
    # B's span of A-B and its span of B-C overlap by 150 of 200 characters: one
    # node, matched by A and C, so the centre of a group of three.
    sides = [(7, 1, 0, 200, 2, 100, 300), (8, 2, 150, 350, 3, 40, 240)]
    (group,) = reuse_groups(sides)
    assert group.n_documents == 3
    assert group.members == (
        GroupMember(2, 100, 350),
        GroupMember(1, 0, 200),
        GroupMember(3, 40, 240),
    )
    assert group.match_ids == (7, 8)


def test_groups_do_not_chain() -> None:
    # A-B share a paragraph, B-C another, C-D a third: connected components
    # would make one group of four documents that share nothing as a whole.
    sides = [
        (1, 1, 0, 300, 2, 0, 300),
        (2, 2, 1000, 1300, 3, 0, 300),
        (3, 3, 0, 300, 4, 500, 800),
        (4, 3, 0, 300, 5, 0, 300),
    ]
    groups = reuse_groups(sides)
    for g in groups:
        centre = g.members[0]
        matched = {
            (a, s, e) if (b, t, f) == (centre.doc_id, centre.start, centre.end) else (b, t, f)
            for _, a, s, e, b, t, f in sides
            if (a, s, e) == (centre.doc_id, centre.start, centre.end)
            or (b, t, f) == (centre.doc_id, centre.start, centre.end)
        }
        assert {(m.doc_id, m.start, m.end) for m in g.members[1:]} <= matched
    assert [g.n_documents for g in groups] == [4, 2]
    assert groups[0].members[0] == GroupMember(3, 0, 300), "C's paragraph is the hub"


def test_spans_overlapping_by_half_or_less_are_separate_nodes() -> None:
    # B's spans overlap by exactly 100 of 200: not more than half, so no chain.
    sides = [(1, 1, 0, 200, 2, 100, 300), (2, 2, 200, 400, 3, 0, 200)]
    groups = reuse_groups(sides)
    assert [g.match_ids for g in groups] == [(1,), (2,)]
    assert all(g.n_documents == 2 for g in groups)


def test_two_paragraphs_in_the_same_documents_are_two_groups() -> None:
    rng = random.Random(2)
    docs = [1, 2, 3, 4]
    first = _stock_paragraph(docs, {d: 100 * d for d in docs}, 150, rng, first_id=1)
    second = _stock_paragraph(docs, {d: 3000 + 10 * d for d in docs}, 300, rng, first_id=101)
    groups = reuse_groups(first + second)
    assert len(groups) == 2
    assert {g.match_ids for g in groups} == {tuple(range(1, 7)), tuple(range(101, 107))}
    for g in groups:
        assert g.n_documents == 4 and len(g.members) == 4
    # Same documents and member counts: the first member's start decides.
    assert groups[0].match_ids == tuple(range(1, 7))
    assert [g.group_no for g in groups] == [1, 2]


def test_whole_document_copy_does_not_merge_with_a_stock_paragraph() -> None:
    rng = random.Random(3)
    docs = [1, 2, 3, 4, 5, 6]
    # Document 6 is a copy of document 1 (5,000 characters), so it holds the
    # paragraph too, at the same place.
    offsets = {1: 1000, 2: 40, 3: 900, 4: 2000, 5: 10, 6: 1000}
    paragraph = _stock_paragraph(docs, offsets, 200, rng, first_id=1)
    copy = [(999, 1, 0, 5000, 6, 0, 5000), (1000, 1, 1000, 4990, 6, 1000, 4990)]
    groups = reuse_groups(paragraph + copy)
    assert len(groups) == 2
    stock, whole = groups
    assert stock.n_documents == 6 and len(stock.members) == 6
    assert stock.match_ids == tuple(range(1, 16))
    assert whole.match_ids == (999, 1000)
    assert whole.members == (GroupMember(1, 0, 5000), GroupMember(6, 0, 5000))


def test_output_does_not_depend_on_input_order() -> None:
    rng = random.Random(4)
    sides = _synthetic_sides(n_docs=60, n_matches=3000, seed=5)
    expected = _shape(reuse_groups(sides))
    assert len(expected) > 10
    for _ in range(5):
        shuffled = sides[:]
        rng.shuffle(shuffled)
        # Swapping the two sides of a match changes nothing either.
        shuffled = [
            (m, db, bs, be, da, as_, ae) if rng.random() < 0.5 else (m, da, as_, ae, db, bs, be)
            for m, da, as_, ae, db, bs, be in shuffled
        ]
        assert _shape(reuse_groups(shuffled)) == expected
        assert _shape(reuse_groups(np.array(shuffled))) == expected


def test_every_match_is_in_exactly_one_group_and_order_is_by_size() -> None:
    sides = _synthetic_sides(n_docs=80, n_matches=5000, seed=6)
    groups = reuse_groups(sides, min_documents=1)
    ids = [m for g in groups for m in g.match_ids]
    assert len(ids) == len(set(ids)) and set(ids) <= {s[0] for s in sides}
    keys = [
        (-g.n_documents, -len(g.members), g.members[0].doc_id, g.members[0].start) for g in groups
    ]
    assert keys == sorted(keys)
    assert [g.group_no for g in groups] == list(range(1, len(groups) + 1))
    for g in groups:
        assert list(g.members[1:]) == sorted(g.members[1:], key=lambda m: (m.doc_id, m.start))
        assert list(g.match_ids) == sorted(g.match_ids)


def test_min_documents() -> None:
    rng = random.Random(7)
    big = _stock_paragraph([1, 2, 3, 4], {1: 10, 2: 10, 3: 10, 4: 10}, 100, rng, first_id=1)
    pair = [(50, 5, 0, 300, 6, 0, 300)]
    within = [(60, 7, 0, 100, 7, 500, 600)]  # a passage repeated inside one document
    sides = big + pair + within
    assert [g.n_documents for g in reuse_groups(sides)] == [4, 2]
    assert [g.n_documents for g in reuse_groups(sides, min_documents=3)] == [4]
    assert [g.n_documents for g in reuse_groups(sides, min_documents=5)] == []
    everything = reuse_groups(sides, min_documents=1)
    assert [g.n_documents for g in everything] == [4, 2, 1]
    assert everything[-1].members == (GroupMember(7, 0, 100), GroupMember(7, 500, 600))
    assert [g.group_no for g in everything] == [1, 2, 3]


def test_empty_and_invalid_input() -> None:
    assert reuse_groups([]) == []
    assert reuse_groups(iter(())) == []
    with pytest.raises(ValueError, match="0 <= start < end"):
        reuse_groups([(1, 1, 10, 10, 2, 0, 5)])
    with pytest.raises(ValueError, match="match 2"):
        reuse_groups([(1, 1, 0, 10, 2, 0, 5), (2, 1, 0, 10, 2, 5, 4)])
    with pytest.raises(ValueError):
        reuse_groups([(1, 1, -3, 10, 2, 0, 5)])
    with pytest.raises(ValueError):
        reuse_groups(np.zeros((3, 6), dtype=np.int64))


def test_identical_spans_share_a_node_whatever_their_neighbours() -> None:
    # Many documents match the same span of document 1 exactly, while a longer
    # span of document 1 starts at the same place: two nodes in document 1.
    sides = [(k, 1, 100, 300, k + 1, 0, 200) for k in range(1, 6)]
    sides.append((99, 1, 100, 900, 50, 0, 800))
    groups = reuse_groups(sides)
    assert [len(g.members) for g in groups] == [6, 2]
    assert groups[0].members[0] == GroupMember(1, 100, 300)
    assert groups[1].members[0] == GroupMember(1, 100, 900)


def _synthetic_sides(n_docs: int, n_matches: int, seed: int = 0) -> list[Side]:
    """Matches like a real corpus: stock paragraphs in many documents, plus pair reuse.

    About 40% of the matches are the pairwise matches of stock paragraphs
    shared by 10 to 60 documents (spans jittered by ±5 characters), the rest
    one-off reuse between two documents at random places, some of it long.
    """
    rng = random.Random(seed)
    doc_len = 60_000
    sides: list[Side] = []
    next_id = 1
    while len(sides) < 0.4 * n_matches:
        k = rng.randint(10, min(60, n_docs))
        docs = rng.sample(range(n_docs), k)
        length = rng.randint(80, 600)
        offsets = {d: rng.randint(5, doc_len - length - 10) for d in docs}
        new = _stock_paragraph(docs, offsets, length, rng, first_id=next_id)
        sides.extend(new)
        next_id += len(new)
    while len(sides) < n_matches:
        a, b = rng.sample(range(n_docs), 2)
        length = rng.randint(60, 3000) if rng.random() < 0.9 else rng.randint(3000, 30000)
        sa, sb = rng.randint(0, doc_len - length), rng.randint(0, doc_len - length)
        sides.append((next_id, a, sa, sa + length, b, sb, sb + length + rng.randint(-20, 20)))
        next_id += 1
    return sides[:n_matches]


if __name__ == "__main__":
    sides = _synthetic_sides(n_docs=3000, n_matches=400_000, seed=0)
    for label, data in (("list of tuples", sides), ("int64 array", np.array(sides))):
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            groups = reuse_groups(data)
            best = min(best, time.perf_counter() - t0)
        print(
            f"{label}: {len(sides):,} matches, {len(groups):,} groups "
            f"(largest {groups[0].n_documents} documents), best of 3: {best:.2f} s"
        )
