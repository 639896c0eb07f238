"""GitRepo against real repositories: status, commit, history and each sync failure."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from helpers.git_team import Team, edit_field, git, isolate_git, isolated_team

from editor.cli_git import setup_folder
from editor.content.document import load_entry
from editor.content.git_errors import GitError, GitErrorKind, classify
from editor.content.git_repo import GitRepo

SAMPLE = Path(__file__).resolve().parents[2] / "sample_content"
ENTRY = "anchoring.md"


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Team:
    return isolated_team(tmp_path, monkeypatch, SAMPLE)


def test_status_names_each_kind_of_change(team: Team) -> None:
    repo = GitRepo.discover(team.alice)
    edit_field(team.alice / ENTRY, "subject", "Changed")
    (team.alice / "batna.md").unlink()
    (team.alice / "new.md").write_text("---\ntitle: New\n---\n", encoding="utf-8")
    (team.alice / "staged.md").write_text("---\ntitle: S\n---\n", encoding="utf-8")
    git(team.alice, "add", "staged.md")
    status = repo.status()
    kinds = {path: st.kind for path, st in status.files.items()}
    assert kinds == {
        ENTRY: "modified",
        "batna.md": "deleted",
        "new.md": "untracked",
        "staged.md": "added",
    }
    assert status.branch == "main"
    assert status.upstream == "origin/main"
    assert (status.ahead, status.behind) == (0, 0)
    assert status.summary() == "main"


def test_ahead_behind_and_upstream_changes_after_fetch(team: Team) -> None:
    edit_field(team.bob / ENTRY, "subject", "Bob's")
    team.commit_all(team.bob, "Bob edits")
    git(team.bob, "push", "-q")
    edit_field(team.alice / "batna.md", "subject", "Alice's")
    team.commit_all(team.alice, "Alice edits")
    repo = GitRepo.discover(team.alice)
    repo.fetch()
    status = repo.status()
    assert (status.ahead, status.behind) == (1, 1)
    assert status.summary() == "main ↑1 ↓1"
    assert repo.upstream_changes() == {ENTRY}


def test_commit_takes_only_the_picked_entries_and_history_follows(team: Team) -> None:
    repo = GitRepo.discover(team.alice)
    edit_field(team.alice / ENTRY, "subject", "One")
    edit_field(team.alice / "batna.md", "subject", "Two")
    sha = repo.commit([ENTRY], "Update subject of 1 entry")
    assert set(repo.status().files) == {"batna.md"}
    log = repo.log(ENTRY)
    assert [c.subject for c in log] == ["Update subject of 1 entry", "Initial content"]
    assert log[0].sha == sha
    assert log[0].author == "Alice"
    assert repo.show(log[1].sha, ENTRY) == (SAMPLE / ENTRY).read_bytes()


def test_discard_puts_an_entry_back_as_head_has_it(team: Team) -> None:
    repo = GitRepo.discover(team.alice)
    edit_field(team.alice / ENTRY, "subject", "Changed")
    (team.alice / "new.md").write_text("x", encoding="utf-8")
    repo.discard([ENTRY, "new.md"])
    assert (team.alice / ENTRY).read_bytes() == (SAMPLE / ENTRY).read_bytes()
    assert not (team.alice / "new.md").exists()
    assert repo.status().files == {}


def test_two_editors_sync_different_fields_of_one_entry_cleanly(team: Team) -> None:
    for clone in (team.alice, team.bob):
        setup_folder(clone)
        git(clone, "add", ".gitattributes")
        git(clone, "commit", "-q", "-m", "merge driver")
    git(team.alice, "push", "-q")
    alice, bob = GitRepo.discover(team.alice), GitRepo.discover(team.bob)
    bob.sync()  # bob takes alice's .gitattributes commit (his own is the same file)
    edit_field(team.alice / ENTRY, "seo.title", "Alice's title")
    alice.commit([ENTRY], "Alice: title")
    alice.sync()
    edit_field(team.bob / ENTRY, "seo.page_description", "Bob's description")
    bob.commit([ENTRY], "Bob: description")
    steps: list[str] = []
    result = bob.sync(steps.append)
    assert steps == ["Fetching…", "Pulling…", "Pushing…", "Up to date."]
    assert ENTRY in result.pulled_files
    merged = load_entry(team.bob / ENTRY)
    assert merged.data["seo"]["title"] == "Alice's title"
    assert merged.data["seo"]["page_description"] == "Bob's description"
    # Only the two changed value lines differ from the original: no formatting noise.
    original = (SAMPLE / ENTRY).read_text(encoding="utf-8").splitlines()
    changed = [a for a, b in zip(original, merged.text.splitlines(), strict=True) if a != b]
    assert len(changed) == 2
    assert bob.status().ahead == 0


def test_same_field_on_both_sides_stops_as_a_conflict(team: Team) -> None:
    edit_field(team.alice / ENTRY, "seo.title", "Alice's title")
    team.commit_all(team.alice, "Alice")
    git(team.alice, "push", "-q")
    edit_field(team.bob / ENTRY, "seo.title", "Bob's title")
    team.commit_all(team.bob, "Bob")
    bob = GitRepo.discover(team.bob)
    with pytest.raises(GitError) as caught:
        bob.sync()
    assert caught.value.kind is GitErrorKind.CONFLICT
    status = bob.status()
    assert status.files[ENTRY].kind == "conflicted"
    assert status.operation == "merge"
    base, ours, theirs = bob.conflict_sides(ENTRY)
    assert base == (SAMPLE / ENTRY).read_bytes()
    assert ours is not None
    assert b"Bob's title" in ours
    assert theirs is not None
    assert b"Alice's title" in theirs
    with pytest.raises(GitError) as again:
        bob.sync()
    assert again.value.kind is GitErrorKind.IN_PROGRESS


def test_rejected_push_is_named(team: Team) -> None:
    edit_field(team.alice / ENTRY, "subject", "A")
    team.commit_all(team.alice, "A")
    git(team.alice, "push", "-q")
    edit_field(team.bob / "batna.md", "subject", "B")
    team.commit_all(team.bob, "B")
    with pytest.raises(GitError) as caught:
        GitRepo.discover(team.bob).push()
    assert caught.value.kind is GitErrorKind.PUSH_REJECTED
    assert "pull" in caught.value.advice.lower()


def test_a_remote_that_refuses_is_an_auth_failure(team: Team, tmp_path: Path) -> None:
    git(team.alice, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    with pytest.raises(GitError) as caught:
        GitRepo.discover(team.alice).sync()
    assert caught.value.kind is GitErrorKind.AUTH
    assert "credentials" in str(caught.value)


def test_no_remote_no_upstream_and_detached_head(team: Team) -> None:
    repo = GitRepo.discover(team.alice)
    git(team.alice, "switch", "-q", "-c", "draft")
    with pytest.raises(GitError) as caught:
        repo.sync()
    assert caught.value.kind is GitErrorKind.NO_UPSTREAM
    git(team.alice, "switch", "-q", "--detach", "main")
    with pytest.raises(GitError) as caught:
        repo.sync()
    assert caught.value.kind is GitErrorKind.DETACHED
    git(team.alice, "switch", "-q", "main")
    git(team.alice, "remote", "remove", "origin")
    with pytest.raises(GitError) as caught:
        repo.sync()
    assert caught.value.kind is GitErrorKind.NO_REMOTE


def test_rebase_in_progress_blocks_sync_and_commit(team: Team) -> None:
    edit_field(team.alice / ENTRY, "subject", "A")
    team.commit_all(team.alice, "A")
    git(team.alice, "push", "-q")
    edit_field(team.bob / ENTRY, "subject", "B")
    team.commit_all(team.bob, "B")
    git(team.bob, "fetch", "-q")
    git(team.bob, "rebase", "origin/main", check=False)
    repo = GitRepo.discover(team.bob)
    assert repo.operation() == "rebase"
    with pytest.raises(GitError) as caught:
        repo.sync()
    assert caught.value.kind is GitErrorKind.IN_PROGRESS
    with pytest.raises(GitError) as caught:
        repo.commit([ENTRY], "x")
    assert caught.value.kind is GitErrorKind.IN_PROGRESS


def test_a_dirty_tree_in_the_way_of_a_pull_is_named(team: Team) -> None:
    edit_field(team.alice / ENTRY, "subject", "A")
    team.commit_all(team.alice, "A")
    git(team.alice, "push", "-q")
    edit_field(team.bob / ENTRY, "subject", "B (saved, not committed)")
    with pytest.raises(GitError) as caught:
        GitRepo.discover(team.bob).sync()
    assert caught.value.kind is GitErrorKind.DIRTY
    assert load_entry(team.bob / ENTRY).data["subject"] == "B (saved, not committed)"


def test_a_failing_hook_shows_its_output(team: Team) -> None:
    hook = team.alice / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'seo.title is too long' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    edit_field(team.alice / ENTRY, "subject", "A")
    with pytest.raises(GitError) as caught:
        GitRepo.discover(team.alice).commit([ENTRY], "A")
    assert caught.value.kind is GitErrorKind.HOOK_FAILED
    assert "seo.title is too long" in caught.value.output


def test_not_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(monkeypatch, tmp_path / "home")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    folder = tmp_path / "plain"
    folder.mkdir()
    with pytest.raises(GitError) as caught:
        GitRepo.discover(folder)
    assert caught.value.kind is GitErrorKind.NOT_A_REPO


@pytest.mark.parametrize(
    ("output", "kind"),
    [
        ("fatal: unable to access 'https://x/': Could not resolve host: x", GitErrorKind.OFFLINE),
        ("fatal: Authentication failed for 'https://x/'", GitErrorKind.AUTH),
        ("remote: Permission denied (publickey).", GitErrorKind.AUTH),
        (" ! [rejected]        main -> main (fetch first)", GitErrorKind.PUSH_REJECTED),
        ("There is no tracking information for the current branch.", GitErrorKind.NO_UPSTREAM),
        ("error: cannot pull with rebase: You have unstaged changes.", GitErrorKind.DIRTY),
        ("CONFLICT (content): Merge conflict in a.md", GitErrorKind.CONFLICT),
        ("something else entirely", GitErrorKind.OTHER),
    ],
)
def test_classify_reads_gits_messages(output: str, kind: GitErrorKind) -> None:
    assert classify(output) is kind


def test_sync_pulls_with_rebase_when_the_repository_says_so(team: Team) -> None:
    edit_field(team.alice / ENTRY, "subject", "A")
    team.commit_all(team.alice, "A")
    git(team.alice, "push", "-q")
    git(team.bob, "config", "pull.rebase", "true")
    edit_field(team.bob / "batna.md", "subject", "B")
    team.commit_all(team.bob, "B")
    result = GitRepo.discover(team.bob).sync()
    assert result.pulled_files == [ENTRY]
    assert result.pushed
    history = git(team.bob, "log", "--format=%s|%P").splitlines()
    assert [line.split("|")[0] for line in history] == ["B", "A", "Initial content"]
    assert all(" " not in line.split("|")[1] for line in history)  # linear: no merge commit


def test_show_many_reads_versions_in_one_batch(team: Team) -> None:
    repo = GitRepo.discover(team.alice)
    got = repo.show_many([("HEAD", ENTRY), ("HEAD", "missing.md"), ("HEAD", "batna.md")])
    assert got == [(SAMPLE / ENTRY).read_bytes(), None, (SAMPLE / "batna.md").read_bytes()]


def test_commit_takes_new_and_deleted_entries_too(team: Team) -> None:
    repo = GitRepo.discover(team.alice)
    (team.alice / "batna.md").unlink()
    (team.alice / "new.md").write_text("---\ntitle: New\n---\n", encoding="utf-8")
    repo.commit(["batna.md", "new.md"], "Add 1 entry; remove 1 entry")
    assert repo.status().files == {}
    assert repo.show("HEAD", "batna.md") is None
    assert repo.show("HEAD", "new.md") == b"---\ntitle: New\n---\n"


def test_a_hanging_sync_can_be_cancelled(team: Team) -> None:
    # A remote that never answers: git's ext:: transport running a long sleep.
    git(team.alice, "config", "protocol.ext.allow", "always")
    git(team.alice, "remote", "set-url", "origin", "ext::sleep 60")
    repo = GitRepo.discover(team.alice)
    caught: list[GitError] = []
    cancel = threading.Event()

    def sync() -> None:
        try:
            repo.sync(cancel=cancel)
        except GitError as exc:
            caught.append(exc)

    worker = threading.Thread(target=sync)
    worker.start()
    worker.join(0.5)
    assert worker.is_alive()  # still waiting for the remote
    cancel.set()
    worker.join(10)
    assert not worker.is_alive()
    assert [e.kind for e in caught] == [GitErrorKind.CANCELLED]
    assert "Nothing is lost" in str(caught[0])
