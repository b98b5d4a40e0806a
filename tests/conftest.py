"""Shared fixtures: the sample corpus, temporary databases, a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reuse import Config, scan

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
CORPORA = REPO.parent / "shared" / "corpora"
SEED_A = "000_4682256de4861903.txt"  # district speech
SEED_B = "004_481eeca183cd7a2c.txt"  # the same speech republished as a news article


#: Markers of the tests a plain ``pytest`` leaves out and ``pytest --all`` runs
#: (as ``.ci/run`` does): processes killed and resumed, worker pools, Spark,
#: the real corpora, headless Chromium.
SLOW_MARKERS = ("slow", "corpus", "spark")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--all",
        action="store_true",
        help="also run the slow tests (marked slow, corpus or spark); .ci/run does",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--all"):
        return
    keep, slow = [], []
    for item in items:
        marked = any(item.get_closest_marker(m) for m in SLOW_MARKERS) or (
            "page" in getattr(item, "fixturenames", ())  # a headless Chromium page
        )
        (slow if marked else keep).append(item)
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = keep


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    """A private copy of the five seed reports."""
    target = tmp_path / "seeds"
    target.mkdir()
    for f in sorted(DATA.glob("*.txt")):
        shutil.copy(f, target / f.name)
    return target


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds scanned once with default parameters (read-only use)."""
    root = tmp_path_factory.mktemp("seeds_db")
    corpus = root / "seeds"
    corpus.mkdir()
    for f in sorted(DATA.glob("*.txt")):
        shutil.copy(f, corpus / f.name)
    db = root / "reuse.duckdb"
    scan([corpus], db, Config())
    return db


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Run CLI commands in an empty working directory with no REUSE_* variables."""
    for key in list(__import__("os").environ):
        if key.startswith("REUSE_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path
