"""Fixtures for every test: no test ever touches a real home folder."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
BOOK = SHARED / "bench" / "war_and_peace.txt"


@pytest.fixture(autouse=True)
def private_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Point NEWSREADER_HOME, HOME and the XDG folders at a fresh temporary folder."""
    root = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(root))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(root / name.lower()))
    monkeypatch.setenv("NEWSREADER_HOME", str(root / "library"))
    yield root / "library"


@pytest.fixture
def corpus() -> Path:
    """The shared corpus of real articles; the test is skipped when it is not there."""
    if not CORPUS.is_dir() or not any(CORPUS.glob("*.txt")):
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture
def book() -> Path:
    """The 3 MB benchmark book; the test is skipped when it is not there."""
    if not BOOK.is_file():
        pytest.skip("../shared/bench/war_and_peace.txt is not present")
    return BOOK


@pytest.fixture(autouse=True)
def thawed_collector() -> Iterator[None]:
    """Give back to the garbage collector whatever a test's app set aside from it
    (`gc.freeze`: a large library's listing, a search screen): frozen, the objects of one
    test would never be collected, and the next test would start with them set aside."""
    yield
    gc.unfreeze()
