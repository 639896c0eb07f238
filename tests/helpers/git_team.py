"""Real git repositories for tests: a bare "remote" and two editors' clones.

The machine's git config never leaks in: global and system config are the null
device, identities come from the environment and each clone's own config.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from editor.content.document import load_entry, save_entry, set_path


def isolate_git(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Point git at no global or system config (identities: each clone's own config)."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(home))
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_ASKPASS", "SSH_ASKPASS"):
        monkeypatch.delenv(name, raising=False)
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{role}_NAME", raising=False)
        monkeypatch.delenv(f"GIT_{role}_EMAIL", raising=False)


def git(cwd: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}{done.stdout}")
    return done.stdout


@dataclass
class Team:
    """A bare remote and two clones of it (two editors), each on branch ``main``."""

    remote: Path
    alice: Path
    bob: Path

    def commit_all(self, clone: Path, message: str) -> None:
        git(clone, "add", "-A")
        git(clone, "commit", "-q", "-m", message)


def make_team(root: Path, content: Path, *, who: tuple[str, str] = ("Alice", "Bob")) -> Team:
    """Seed the remote with ``content``'s files and clone it twice."""
    remote = root / "remote.git"
    git(root, "init", "-q", "--bare", "-b", "main", str(remote))
    seed = root / "seed"
    shutil.copytree(content, seed)
    git(seed, "init", "-q", "-b", "main")
    git(seed, "add", "-A")
    git(
        seed,
        "-c",
        "user.name=Seed",
        "-c",
        "user.email=seed@example.org",
        "commit",
        "-q",
        "-m",
        "Initial content",
    )
    git(seed, "remote", "add", "origin", str(remote))
    git(seed, "push", "-q", "-u", "origin", "main")
    clones = []
    for name in who:
        clone = root / name.lower()
        git(root, "clone", "-q", str(remote), str(clone))
        git(clone, "config", "user.name", name)
        git(clone, "config", "user.email", f"{name.lower()}@example.org")
        clones.append(clone)
    return Team(remote, clones[0], clones[1])


def isolated_team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: Path) -> Team:
    """The usual ``team`` fixture's body: git isolated under ``tmp_path``, then a team."""
    isolate_git(monkeypatch, tmp_path / "home")
    return make_team(tmp_path, content)


def edit_field(path: Path, key: str, value: str) -> None:
    """Change one field (a dotted key, as ``set`` takes it) through the byte-preserving
    writer, as the window saves."""
    entry = load_entry(path)
    data = copy.deepcopy(entry.data)
    set_path(data, key, value)
    save_entry(entry, data, entry.body, list(data))
