"""Running ``git`` for one working tree: its environment, time limits and cancelling.

Why the command line and not a library (pygit2, dulwich): the editor's own git setup
must apply exactly as in their terminal - credential helpers, SSH agents, hooks,
commit signing, ``pull.rebase`` and every other config. git's messages are read in the
C locale (``LC_ALL=C``) so their classification (:mod:`editor.content.git_errors`) does
not depend on the user's language, and ``GIT_TERMINAL_PROMPT=0`` keeps a missing
credential from hanging on a prompt nobody can answer.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from editor.content.git_errors import TITLES, GitError, GitErrorKind, error_from

__all__ = ["LOCAL_TIMEOUT", "NETWORK_TIMEOUT", "GitCommand"]

# Seconds before a network operation is given up (a hung server must not hang the app).
NETWORK_TIMEOUT = 300.0
LOCAL_TIMEOUT = 120.0


class GitCommand:
    """Runs ``git`` in one working tree and waits for it; a failure is a GitError."""

    def __init__(
        self, root: Path, *, git: str = "git", env: Mapping[str, str] | None = None
    ) -> None:
        self.root = root
        self.git = git
        self._env = dict(os.environ if env is None else env)
        self._env.update(LC_ALL="C", LANGUAGE="C", GIT_TERMINAL_PROMPT="0")
        self._env.pop("GIT_DIR", None)
        self._env.pop("GIT_WORK_TREE", None)
        self._cancel = threading.Event()

    def run_bytes(
        self,
        args: Sequence[str],
        *,
        input: bytes | None = None,
        timeout: float = LOCAL_TIMEOUT,
        check: bool = True,
        default: GitErrorKind = GitErrorKind.OTHER,
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            if timeout == NETWORK_TIMEOUT:
                done = self._run_cancellable([self.git, *args], timeout)
            else:
                done = subprocess.run(
                    [self.git, *args],
                    cwd=self.root,
                    env=self._env,
                    input=input,
                    capture_output=True,
                    timeout=timeout,
                    check=False,
                )
        except FileNotFoundError as exc:
            raise GitError(GitErrorKind.NO_GIT, TITLES[GitErrorKind.NO_GIT]) from exc
        except subprocess.TimeoutExpired as exc:
            raise GitError(GitErrorKind.TIMEOUT, TITLES[GitErrorKind.TIMEOUT]) from exc
        if check and done.returncode != 0:
            output = (done.stderr + b"\n" + done.stdout).decode("utf-8", "replace")
            raise error_from(output, default)
        return done

    def _run_cancellable(
        self, argv: list[str], timeout: float
    ) -> subprocess.CompletedProcess[bytes]:
        """A network command that :meth:`cancel` can stop (git cleans up its own locks)."""
        posix = os.name == "posix"
        with subprocess.Popen(
            argv, cwd=self.root, env=self._env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=posix,
        ) as proc:  # fmt: skip
            waited = 0.0
            while True:
                try:
                    out, err = proc.communicate(timeout=0.1)
                    break
                except subprocess.TimeoutExpired:
                    waited += 0.1
                    if self._cancel.is_set() or waited >= timeout:
                        # git's own helpers (ssh, a credential helper) go too: the
                        # whole session, or they would hold the pipes open.
                        if posix:
                            with contextlib.suppress(ProcessLookupError):
                                os.killpg(proc.pid, signal.SIGTERM)
                        else:
                            proc.terminate()
                        proc.communicate()
                        if self._cancel.is_set():
                            raise GitError(
                                GitErrorKind.CANCELLED, TITLES[GitErrorKind.CANCELLED]
                            ) from None
                        raise
        return subprocess.CompletedProcess(argv, proc.returncode, out, err)

    def run(self, args: Sequence[str], **kwargs: object) -> str:
        """Run git and return its standard output as text."""
        done = self.run_bytes(args, **kwargs)  # type: ignore[arg-type]
        return done.stdout.decode("utf-8", "surrogateescape")
