"""Shared test setup: Qt runs offscreen, GUI tests are marked, fixtures for sample files."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_ACCESSIBILITY", "0")
# QtWebEngine: Chromium's sandbox does not start as root (CI, containers). The app sets
# this itself when run as root; tests set it always, so they behave alike for every user.
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
# Windows built in tests show the text preview (no browser process per window); the
# browser-engine preview has its own tests (tests/ui/preview/test_preview_web.py), which ask for it.
os.environ.setdefault("GLOSSARY_EDITOR_PREVIEW", "text")

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_CONTENT = REPO_ROOT / "sample_content"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui" in item.nodeid.replace(os.sep, "/"):
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty content folder. A module that needs entries in it overrides this fixture
    with one that takes this one as its argument and writes them (pytest's documented
    override), so the folder itself is made here only."""
    content = tmp_path / "content"
    content.mkdir()
    return content


@pytest.fixture
def sample_folder(tmp_path: Path) -> Iterator[Path]:
    """A writable copy of ``sample_content/`` (tests never touch the bundled files)."""
    dest = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, dest)
    yield dest


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep caches, settings and journals of tests out of the real user folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))


@pytest.fixture(autouse=True)
def _switch_interval_kept() -> Iterator[None]:
    """Each test leaves the GIL's switch interval as it found it: a window or job that
    kept the short interval after it went made a later test's assertions depend on
    the order the tests ran in."""
    before = sys.getswitchinterval()
    yield
    assert sys.getswitchinterval() == before, "the switch interval was left changed"


SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    """The project's shared folder (seeds, real content) beside the checkout, if present.

    Third-party real files are read from there, never copied into the repository.
    """
    if not (SHARED / "seeds").is_dir():
        pytest.skip("shared/ (seeds and real content) is not beside this checkout")
    return SHARED
