"""Benchmark of bulk find and replace at 50,000 entries against issue 19's targets.

    python bench/bench_bulk.py [--entries 50000] [--changes 1000]

Generates the corpus (:mod:`corpus`) in a temporary folder outside the repository,
builds the corpus index (as the window has it when the dialog opens), then times:

- **preview** (target <= 2 s; run twice, the first time against files another
  program may have pushed out of the page cache): candidates from the index's search
  text, then every candidate read and matched, for two requests - renaming an invented term that a
  thousand or so entries use (``--field`` everything, body included), and the brand
  suffix of the SEO titles (``| QuickTakes`` -> ``| QuickTakes Pro`` in ``seo.title``,
  which ~45 % of the entries hold: the worst case);
- **apply** of ``--changes`` file changes (target <= 5 s): the writer's verified bytes
  for each, the batch's checks, and the atomic writes (fsync included);
- **undo** of that batch (target <= 5 s), then every file compared byte for byte with
  its bytes before the replace.

Prints a table: figure, target, pass/fail.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402

from editor.content.bulk.batch import apply_changes, undo_batch  # noqa: E402
from editor.content.bulk.pattern import FindOptions  # noqa: E402
from editor.content.bulk.replace import Preview, plan, preview  # noqa: E402
from editor.content.bulk.scope import Scope  # noqa: E402
from editor.content.index import CorpusIndex  # noqa: E402

PREVIEW_TARGET_S = 2.0
APPLY_TARGET_S = 5.0
UNDO_TARGET_S = 5.0


def _term_in(index: CorpusIndex, wanted: int) -> str:
    """An invented word that about ``wanted`` entries hold (from the index's search)."""
    best, best_gap = "", 1 << 30
    seen: set[str] = set()
    for record in index.records[::97]:
        for word in record.title.lower().split():
            if word in seen or not word.isalpha() or len(word) < 6:
                continue
            seen.add(word)
            rows = len(index.search(word))
            if abs(rows - wanted) < best_gap:
                best, best_gap = word, abs(rows - wanted)
        if len(seen) > 60:
            break
    return best


def _timed(label: str, run: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = run()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"  {label}: {seconds:.2f} s", flush=True)
    return seconds, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument(
        "--folder", type=Path, help="generate the corpus here, or reuse the one already there"
    )
    args = parser.parse_args()
    rows: list[tuple[str, str, str, bool]] = []
    with tempfile.TemporaryDirectory(prefix="glossary-bench-bulk-") as tmp:
        folder = args.folder if args.folder is not None else Path(tmp) / "content"
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.iterdir()):
            print(f"generating {args.entries} entries…", flush=True)
            generate(folder, args.entries)
        build, index = _timed(
            "index (its cache used when there is one)", lambda: CorpusIndex(folder).build_all()
        )
        assert isinstance(index, CorpusIndex)
        term = _term_in(index, 1200)
        requests = [
            (f"rename the term {term!r}", FindOptions(term, "Renamedterm", word=True), Scope()),
            ("SEO title brand suffix", FindOptions("| QuickTakes", "| QuickTakes Pro", case=True),
             Scope(fields=("seo.title",))),
        ]  # fmt: skip
        first: Preview | None = None
        for label, options, scope in requests:
            seconds, result = _timed(
                f"preview: {label}", lambda o=options, s=scope: preview(folder, o, s, index=index)
            )
            again, _ = _timed(
                f"preview again: {label}",
                lambda o=options, s=scope: preview(folder, o, s, index=index),
            )
            assert isinstance(result, Preview)
            text = f"{seconds:.2f} s, again {again:.2f} s ({result.match_count} matches in"
            text += f" {result.file_count} files, {result.scanned} read)"
            rows.append(
                (f"preview, {label}", text, f"<= {PREVIEW_TARGET_S} s", seconds <= PREVIEW_TARGET_S)
            )
            if first is None or result.file_count >= args.changes > first.file_count:
                first = result
        assert first is not None
        chosen = {e.path: range(len(e.matches)) for e in first.entries[: args.changes]}
        originals = {path: path.read_bytes() for path in chosen}

        def apply() -> object:
            changes = plan(first, chosen)
            return apply_changes(changes.changes, "bench")

        seconds, batch = _timed(f"apply {len(chosen)} file changes (verify + write)", apply)
        rows.append(
            (
                f"apply {len(chosen)} file changes",
                f"{seconds:.2f} s",
                f"<= {APPLY_TARGET_S} s",
                seconds <= APPLY_TARGET_S,
            )
        )
        seconds, _ = _timed("undo", lambda: undo_batch(batch))  # type: ignore[arg-type]
        exact = all(path.read_bytes() == data for path, data in originals.items())
        rows.append(
            (
                "undo of that batch",
                f"{seconds:.2f} s, byte-exact: {exact}",
                f"<= {UNDO_TARGET_S} s",
                seconds <= UNDO_TARGET_S and exact,
            )
        )
        print(f"\nindex build (not timed against a target): {build:.2f} s\n")
    width = max(len(r[0]) for r in rows)
    for name, measured, target, ok in rows:
        print(f"{name:<{width}}  {measured:<60}  {target:<8}  {'pass' if ok else 'FAIL'}")
    return 0 if all(r[3] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
