"""Benchmark of saving one entry against DESIGN.md's target (save, verify included: <= 20 ms).

    python bench/bench_save.py [--runs 20]

Builds entries of about 3, 10, 30 and 100 KB from ``sample_content/`` in a temporary
folder outside the repository (a Q&A entry whose folded answer grows with the size, and
a glossary entry with 40 FAQ pairs), then times, for a one-field edit, the verified
bytes (``planned_bytes``: patch + candidate checks + whole-text re-parse) plus the
atomic write into that folder. Each figure is the median of ``--runs`` runs. Edits
timed: a short field (``seo.title``), the long answer itself (the worst case: the
value emitted, checked and parsed back is the whole answer) and, for the glossary
entry, one FAQ answer. Prints a table: figure, target, pass/fail.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from editor.content.atomic import atomic_write  # noqa: E402
from editor.content.document import Entry, load_entry, planned_bytes  # noqa: E402

SAMPLES = HERE.parent / "sample_content"
QA_SAMPLE = SAMPLES / "how-does-a-batna-shape-negotiating-power.md"
GLOSSARY_SAMPLE = SAMPLES / "batna.md"
TARGET_MS = 20.0
SIZES_KB = (3, 10, 30, 100)
PARAGRAPH = (
    "A party's alternative decides how firmly it can bargain: an offer worth less "
    "than the alternative should be refused, whatever the pressure at the table, and "
    "a credible alternative is one that could be taken up tomorrow - not one that "
    "exists only on paper. Weights $w_i$ and the margin $m$ make the rule precise.\\n\\n"
)


def qa_entry(folder: Path, kb: int) -> Path:
    """The sample Q&A entry with its one-line folded answer grown to about ``kb`` KB."""
    text = QA_SAMPLE.read_text(encoding="utf-8")
    start = text.index("answer: >-\n    ") + len("answer: >-\n    ")
    end = text.index("\n", start)
    answer = text[start:end]
    missing = kb * 1024 - len(text.encode("utf-8"))
    grown = answer + (PARAGRAPH * (max(missing, 0) // len(PARAGRAPH) + 1))[: max(missing, 0)]
    grown = grown.rstrip(" \\n") + "."
    path = folder / f"qa-{kb}kb.md"
    path.write_text(text[:start] + grown + text[end:], encoding="utf-8")
    return path


def glossary_entry(folder: Path, pairs: int) -> Path:
    """The sample glossary entry with ``pairs`` FAQ pairs."""
    text = GLOSSARY_SAMPLE.read_text(encoding="utf-8")
    start = text.index("faq:\n") + len("faq:\n")
    end = text.index("seo:\n")
    items = []
    for i in range(pairs):
        items.append(
            f"    - question: >-\n          Question {i + 1}: what does the term change?\n"
            f"      answer: >-\n          Answer {i + 1}. {PARAGRAPH.replace(chr(92) + 'n', ' ')}\n"
        )
    path = folder / f"glossary-{pairs}-faq.md"
    path.write_text(text[:start] + "".join(items) + text[end:], encoding="utf-8")
    return path


def time_save(
    entry: Entry, change: Callable[[dict[str, Any]], None], runs: int
) -> tuple[float, float]:
    """Median milliseconds of (planned_bytes, planned_bytes + atomic_write) for one edit."""
    data = copy.deepcopy(entry.data)
    change(data)
    out = entry.path.with_name("saved-" + entry.path.name)
    planned_bytes(entry, data, entry.body)  # warm-up (imports, regex compilation)
    plans, totals = [], []
    for _ in range(runs):
        start = time.perf_counter()
        new = planned_bytes(entry, data, entry.body)
        planned = time.perf_counter()
        atomic_write(out, new)
        done = time.perf_counter()
        plans.append((planned - start) * 1000)
        totals.append((done - start) * 1000)
    return statistics.median(plans), statistics.median(totals)


def set_title(data: dict[str, Any]) -> None:
    data["seo"]["title"] = "QuickTakes | Negotiation, edited"


def set_answer(data: dict[str, Any]) -> None:
    data["answer"] = "Edited: " + data["answer"]


def set_faq_answer(data: dict[str, Any]) -> None:
    data["faq"][20]["answer"] = "Edited: " + data["faq"][20]["answer"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    rows: list[tuple[str, float, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-save-") as tmp:
        folder = Path(tmp)
        cases: list[tuple[str, Path, Callable[[dict[str, Any]], None]]] = []
        for kb in SIZES_KB:
            path = qa_entry(folder, kb)
            cases += [(f"Q&A {kb} KB: seo.title", path, set_title)]
            cases += [(f"Q&A {kb} KB: answer", path, set_answer)]
        path = glossary_entry(folder, 40)
        cases += [("glossary 40 FAQ: faq.20.answer", path, set_faq_answer)]
        cases += [("glossary 40 FAQ: seo.title", path, set_title)]
        for label, path, change in cases:
            entry = load_entry(path)
            size = path.stat().st_size / 1024
            rows.append((label, size, *time_save(entry, change, args.runs)))
    width = max(len(row[0]) for row in rows)
    print(f"save one entry: median of {args.runs} runs")
    print("  plan = planned_bytes (patch, candidate checks, whole-text re-parse)")
    print("  save = plan + atomic_write (temp file, fsync, rename, folder fsync)")
    print(f"{'edit':<{width}}  {'size':>8}  {'plan':>9}  {'save':>9}  {'target':>6}  result")
    failed = 0
    for label, size, plan, total in rows:
        ok = total <= TARGET_MS
        failed += not ok
        print(
            f"{label:<{width}}  {size:>5.1f} KB  {plan:>6.2f} ms  {total:>6.2f} ms  "
            f"{TARGET_MS:>3.0f} ms  {'pass' if ok else 'FAIL'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
