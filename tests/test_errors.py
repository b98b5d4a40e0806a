"""Every exception of reuse.errors survives a process boundary (pickle)."""

from __future__ import annotations

import inspect
import pickle

import pytest

from reuse import errors

CLASSES = [
    cls
    for _, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, BaseException) and cls.__module__ == errors.__name__
]


def _instance(cls: type[BaseException]) -> BaseException:
    """An instance built with one string per parameter of ``__init__``."""
    parameters = [
        p
        for p in inspect.signature(cls.__init__).parameters.values()
        if p.name != "self" and p.kind is p.POSITIONAL_OR_KEYWORD
    ]
    if not parameters:  # Exception's own (*args)
        return cls("开会了: one message")
    return cls(*(f"{p.name}: 政府工作报告" for p in parameters))


def test_every_class_is_checked() -> None:
    assert errors.DocumentError in CLASSES and errors.WorkerError in CLASSES
    assert len(CLASSES) >= 10


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_round_trips_through_pickle(cls: type[BaseException]) -> None:
    original = _instance(cls)
    copy = pickle.loads(pickle.dumps(original))
    assert type(copy) is cls
    assert str(copy) == str(original)
    assert copy.args == original.args
    assert vars(copy) == vars(original)


def test_document_error_keeps_its_fields() -> None:
    err = pickle.loads(pickle.dumps(errors.DocumentError("/r/a.docx", "extract", "corrupt")))
    assert (err.path, err.stage, err.message) == ("/r/a.docx", "extract", "corrupt")
    assert str(err) == "/r/a.docx: extract: corrupt"
