"""The normalised texts that alignment and typed edits read, held in windows.

Texts are read from the store and normalised in worker processes
(:func:`normalise_documents`, 128 documents a task). Work over document
pairs is cut into runs of consecutive pairs whose documents' texts fit a
budget of characters together (:func:`budget_runs`, ``scan.text_budget_chars``),
so the texts held at once are bounded by the budget, not by the corpus.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from reuse.detect.verify import Alphabet
from reuse.engine.workers import MapOptions, ordered_map
from reuse.store.database import Store
from reuse.text.normalise import NormalisedText, normalise_many
from reuse.text.shingle import UnitCounts

__all__ = ["HeldTexts", "budget_runs", "normalise_documents", "normalise_task"]

#: Documents normalised by one worker task.
DOCUMENTS_PER_TASK = 128


def normalise_task(items: list[tuple[int, str]]) -> list[tuple[int, NormalisedText]]:
    """Worker task: normalise some documents' texts."""
    norms = normalise_many([text for _, text in items])
    return [(doc_id, norm) for (doc_id, _), norm in zip(items, norms)]


def normalise_documents(
    texts: dict[int, str], ids: list[int], workers: int, timeout: float
) -> dict[int, NormalisedText]:
    """The normalised texts of the documents ``ids`` (of ``texts``), in the order of
    ``ids``, normalised by ``workers`` processes (``timeout``: seconds a task may take)."""
    n = DOCUMENTS_PER_TASK
    batches = [[(d, texts[d]) for d in ids[i : i + n]] for i in range(0, len(ids), n)]
    norms: dict[int, NormalisedText] = {}
    options = MapOptions(workers, min_items=4, timeout=timeout)
    for batch in ordered_map(normalise_task, batches, options):
        norms.update(batch)
    return norms


@dataclass
class HeldTexts:
    """Normalised texts kept from window to window, and their alphabet keys.

    Attributes:
        store: where the texts are read.
        workers, timeout: the processes that normalise them, and the seconds a task may take.
        lengths: every document's normalised length (characters), for the windows.
        budget: characters of the texts held at once, at most (unless one
            window needs more): texts a window does not need are kept while
            they fit, for the next window, the next pass and the typed edits.
        norms: the texts held now, by document.
        keys: the held texts in the keys of ``alphabet`` (see :meth:`hold`).
        units: the held texts' units counted (for the alignment's length filter).
        alphabet: made from the first window's texts.
    """

    store: Store
    workers: int
    timeout: float
    lengths: dict[int, int]
    budget: int
    norms: dict[int, NormalisedText] = field(default_factory=dict)
    keys: dict[int, str] = field(default_factory=dict)
    units: dict[int, UnitCounts] = field(default_factory=dict)
    alphabet: Alphabet | None = None

    def hold(self, needed: set[int]) -> None:
        """Hold the texts of ``needed`` (loading and normalising the missing); the
        others held are let go when all would exceed the budget."""
        held = sum(self.lengths.get(d, 0) for d in self.norms.keys() | needed)
        if held > self.budget:
            for d in [d for d in self.norms if d not in needed]:
                del self.norms[d], self.keys[d], self.units[d]
        missing = sorted(needed - self.norms.keys())
        texts = self.store.document_texts(missing)
        self.norms.update(normalise_documents(texts, missing, self.workers, self.timeout))
        # The texts in the keys of one alphabet: rapidfuzz's kernels look up
        # the characters it moves below 256 in a table, not a hash map.
        if self.alphabet is None and self.norms:
            self.alphabet = Alphabet([self.norms[d].text for d in sorted(self.norms)])
        if self.alphabet is not None:
            self.keys.update((d, self.alphabet.keys(self.norms[d].text)) for d in missing)
        self.units.update((d, UnitCounts(self.norms[d].text)) for d in missing)


def budget_runs(
    doc_pairs: Iterable[tuple[int, int]], lengths: dict[int, int], budget: int
) -> Iterator[list[int]]:
    """Runs of consecutive positions in ``doc_pairs`` whose documents' texts
    (``lengths`` characters each) fit ``budget`` together; a single pair over
    budget gets a run of its own."""
    window: list[int] = []
    members: set[int] = set()
    chars = 0
    for k, (doc_a, doc_b) in enumerate(doc_pairs):
        new = {doc_a, doc_b} - members
        extra = sum(lengths.get(d, 0) for d in new)
        if window and chars + extra > budget:
            yield window
            window, members, chars = [], set(), 0
            new = {doc_a, doc_b}
            extra = sum(lengths.get(d, 0) for d in new)
        window.append(k)
        members |= new
        chars += extra
    if window:
        yield window
