"""Benchmark of the corpus index against DESIGN.md's performance targets.

    python bench/bench_index.py [--entries 50000] [--small 10000] [--repeat 3]
                                [--keep] [--no-verify] [--no-uncached] [--no-check]

Generates a corpus (bench/corpus.py) in a temporary folder outside the repository,
then measures, each phase in a fresh subprocess (so peak RSS is the phase's own):
the baseline (one process reading every file and ``yaml.load(front, CSafeLoader)``),
the cold index + full SEO check, the warm reopen from the cache, the filter latency
per keystroke, peak memory, and cold 10k vs 50k for linearity (timed phases run
--repeat times, the baseline and the cold build by turns; the fastest of each counts),
then the baseline and the cold build once more with the files dropped from the page
cache, as on a first open after a reboot (unless --no-uncached), and the ``check``
command end to end in a fresh process, output to a file, for each of --format text,
json and csv, cold and warm (unless --no-check).
It checks the check's counts against the generator's own and (unless --no-verify) that
the fast YAML path gives exactly PyYAML's data for every file. Prints a table: figure,
target, ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from corpus import Expected, generate  # noqa: E402

from editor.content.writer import same_data  # noqa: E402


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def _walk(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.md"))


def _evict(folder: Path) -> bool:
    """Drop the corpus files' pages from the page cache (``POSIX_FADV_DONTNEED``, no root
    needed), as after a reboot; False where the system cannot. Directories and inodes
    stay cached, so this is the kinder half of a truly cold disk."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return False
    os.sync()  # dirty pages (a corpus just written) are not dropped
    for path in _walk(folder):
        fd = os.open(path, os.O_RDONLY)
        try:
            advise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
    return True


# --- phases (each runs in its own process) ----------------------------------------------


def phase_baseline(folder: Path) -> dict[str, Any]:
    import yaml

    start = time.perf_counter()
    ok = broken = 0
    for path in _walk(folder):
        text = path.read_bytes().decode("utf-8", "replace")
        front = text[4:].split("\n---\n", 1)[0]
        try:
            yaml.load(front, Loader=yaml.CSafeLoader)
            ok += 1
        except yaml.YAMLError:
            broken += 1
    return {"seconds": time.perf_counter() - start, "ok": ok, "broken": broken,
            "rss_mb": _rss_mb()}  # fmt: skip


def _index(folder: Path) -> tuple[Any, float, Counter[str]]:
    from editor.content.index import CorpusIndex

    start = time.perf_counter()
    index = CorpusIndex(folder)
    index.build_all()
    by_rule = Counter(f.rule for f in index.findings())  # the full check, as the CLI does
    return index, time.perf_counter() - start, by_rule


def phase_cold(folder: Path) -> dict[str, Any]:
    index, seconds, by_rule = _index(folder)
    return {"seconds": seconds, "parsed": index.parsed, "entries": len(index),
            "by_rule": dict(by_rule), "rss_mb": _rss_mb(),
            "worker_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN)}  # fmt: skip


def phase_warm(folder: Path, typed: list[str]) -> dict[str, Any]:
    index, seconds, by_rule = _index(folder)
    keystrokes: list[float] = []
    hits = []
    for text in typed:
        for end in range(1, len(text) + 1):
            start = time.perf_counter()
            rows = index.search(text[:end])
            keystrokes.append(time.perf_counter() - start)
        hits.append(len(rows))
    return {"seconds": seconds, "parsed": index.parsed, "entries": len(index),
            "by_rule": dict(by_rule), "rss_mb": _rss_mb(), "keystroke_max": max(keystrokes),
            "keystroke_median": statistics.median(keystrokes), "keystrokes": len(keystrokes),
            "hits": hits}  # fmt: skip


def same(a: Any, b: Any) -> bool:
    """Equal values of exactly the same types and key order, all the way down."""
    return same_data(a, b, ordered=True)


def phase_verify(folder: Path) -> dict[str, Any]:
    from editor.content import fast_yaml, frontmatter
    from editor.content.errors import ContentError

    fast = slow = mismatched = 0
    first_mismatch = ""
    for path in _walk(folder):
        try:
            text, _ = frontmatter.decode(path.read_bytes(), path)
            front = frontmatter.split(text, path).front
        except ContentError:
            continue
        data = fast_yaml.try_fast(front)
        if data is None:
            slow += 1
            continue
        fast += 1
        try:
            reference = frontmatter.parse_yaml(front, path, 2)
        except ContentError as exc:
            reference = {"error": str(exc)}
        if not same(data, reference):
            mismatched += 1
            first_mismatch = first_mismatch or str(path)
    return {"fast": fast, "slow": slow, "mismatched": mismatched, "first": first_mismatch}


CHECK_FORMATS = ("text", "json", "csv")


def _children_cpu() -> float:
    """CPU seconds (user + system) of the child processes waited for so far (their own
    children included): on a busy machine a figure the neighbours change far less than
    wall time."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_check(folder: Path, cache: Path, fmt: str, out: Path) -> tuple[float, float]:
    """Wall time and CPU time of the real ``check`` command in a fresh process, its
    output to a file.

    This is what CI meets: interpreter start, imports, the index (cold with an empty
    cache, warm with the cache a run before left), the findings sorted and written.
    Byte code is written and reused, as it is for an installed package.
    """
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed app has its byte code
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "editor.cli", "check", "--format", fmt, "--fail-on", "never",
           str(folder)]  # fmt: skip
    cpu = _children_cpu()
    start = time.perf_counter()
    with out.open("wb") as sink:
        subprocess.run(cmd, env=env, check=True, stdout=sink, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, _children_cpu() - cpu


def _run_phase(name: str, folder: Path, cache: Path, extra: list[str] | None = None) -> Any:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    cmd = [sys.executable, __file__, "--phase", name, "--folder", str(folder), *(extra or [])]
    cpu = _children_cpu()
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["cpu"] = _children_cpu() - cpu  # the whole process: start-up and imports too
    return result


# --- the report ----------------------------------------------------------------------


def _load() -> str:
    """The 1-minute load average now: on a shared machine, what a figure is read with."""
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "-"


def _row(figure: str, value: str, target: str, ratio: str, ok: bool | None) -> str:
    verdict = "" if ok is None else ("pass" if ok else "FAIL")
    return f"| {figure:<38} | {value:>12} | {target:>16} | {ratio:>8} | {verdict:<4} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--small", type=int, default=10_000, help="size for the linearity run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the generated corpus")
    parser.add_argument("--no-verify", action="store_true", help="skip the fast-YAML proof")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timed phase (best)")
    parser.add_argument("--no-uncached", action="store_true",
                        help="skip the run with the files out of the page cache")  # fmt: skip
    parser.add_argument("--no-check", action="store_true",
                        help="skip timing the check command")  # fmt: skip
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--typed", nargs="*", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:
        phases = {
            "baseline": lambda: phase_baseline(args.folder),
            "cold": lambda: phase_cold(args.folder),
            "warm": lambda: phase_warm(args.folder, args.typed),
            "verify": lambda: phase_verify(args.folder),
        }
        print(json.dumps(phases[args.phase]()))
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="glossary-bench-"))
    try:
        return _bench(args, tmp)
    finally:
        if args.keep:
            print(f"corpus kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _bench(args: argparse.Namespace, tmp: Path) -> int:
    big, small = tmp / f"corpus-{args.entries}", tmp / f"corpus-{args.small}"
    started = time.perf_counter()
    expected: Expected = generate(big, args.entries, args.seed)
    generate(small, args.small, args.seed)
    print(f"generated {args.entries} + {args.small} entries in "
          f"{time.perf_counter() - started:.1f} s "
          f"({expected.bytes / expected.entries / 1024:.2f} KiB each, "
          f"{expected.broken} broken)", file=sys.stderr)  # fmt: skip

    typed = [expected.terms[0].lower(), "negotiation power", "zzqx"]

    # Each timed phase runs --repeat times, each in a fresh process (a cold one with an
    # empty cache), and the fastest run counts: on a shared machine the others measure
    # the neighbours too. Ratios compare runs chosen alike.
    def best(name: str, folder: Path, cache: str, extra: list[str] | None = None) -> Any:
        runs = [_run_phase(name, folder, tmp / f"{cache}-{n}", extra) for n in range(args.repeat)]
        return min(runs, key=lambda run: run["seconds"])

    # The baseline and the cold build take turns, so that a busy spell of the machine
    # falls on both alike rather than on whichever ran through it.
    bases, colds = [], []
    for n in range(args.repeat):
        bases.append(_run_phase("baseline", big, tmp / f"cache-base-{n}"))
        colds.append(_run_phase("cold", big, tmp / f"cache-big-{n}"))
    base = min(bases, key=lambda run: run["seconds"])
    cold = min(colds, key=lambda run: run["seconds"])
    print("baseline runs: " + ", ".join(f"{r['seconds']:.2f}" for r in bases) + " s (CPU "
          + ", ".join(f"{r['cpu']:.2f}" for r in bases) + " s); cold runs: "
          + ", ".join(f"{r['seconds']:.2f}" for r in colds) + " s; each cold run / the baseline"
          " before it: " + ", ".join(f"{c['seconds'] / b['seconds']:.3f}"
                                     for b, c in zip(bases, colds, strict=True))
          + f"; load average {_load()}", file=sys.stderr)  # fmt: skip
    warms = [_run_phase("warm", big, tmp / "cache-big-0", ["--typed", *typed])
             for _ in range(args.repeat)]  # fmt: skip
    warm = min(warms, key=lambda run: run["seconds"])
    print("warm runs: " + ", ".join(f"{r['seconds']:.3f}" for r in warms) + " s",
          file=sys.stderr)  # fmt: skip
    # The check command end to end, each format: cold (an empty cache) and warm (the
    # cache the cold run left), --repeat times each, the fastest counting.
    checks: dict[str, tuple[float, float, float]] = {}
    for fmt in () if args.no_check else CHECK_FORMATS:
        out = tmp / f"check.{fmt}"
        colds_c, warms_c = [], []
        for n in range(args.repeat):
            cache = tmp / f"cache-check-{fmt}-{n}"
            colds_c.append(_run_check(big, cache, fmt, out))
            warms_c.append(_run_check(big, cache, fmt, out))
        checks[fmt] = (min(colds_c)[0], min(warms_c)[0], min(cpu for _, cpu in warms_c))
        print(f"check --format {fmt}: cold runs "
              + ", ".join(f"{t:.2f}" for t, _ in colds_c) + " s, warm runs "
              + ", ".join(f"{t:.2f}" for t, _ in warms_c) + " s (CPU "
              + ", ".join(f"{c:.2f}" for _, c in warms_c)
              + f" s); output {out.stat().st_size / 1e6:.1f} MB; load average "
              + _load(), file=sys.stderr)  # fmt: skip
    cold_small = best("cold", small, "cache-small")
    # Informative: both again with the files read from the disk, as on a first open
    # after a reboot (one run each; the index reads files ahead, the baseline cannot).
    uncached: tuple[float, float] | None = None
    if not args.no_uncached and _evict(big):
        base_disk = _run_phase("baseline", big, tmp / "cache-base-disk")["seconds"]
        _evict(big)
        uncached = (base_disk, _run_phase("cold", big, tmp / "cache-big-disk")["seconds"])
    verify = None if args.no_verify else _run_phase("verify", big, tmp / "cache-base-0")

    b = base["seconds"]
    lines = [
        f"Corpus index benchmark, {args.entries} entries, {os.cpu_count()} CPUs, "
        f"{dt.date.today().isoformat()}",
        _row("figure", "value", "target", "ratio", None).replace("|      |", "| ok   |"),
        "|" + "-" * 40 + "|" + "-" * 14 + "|" + "-" * 18 + "|" + "-" * 10 + "|------|",
        _row("baseline (read + CSafeLoader)", f"{b:.2f} s", "-", "1.00", None),
        _row("cold index + full check", f"{cold['seconds']:.2f} s", "<= 0.30 x base",
             f"{cold['seconds'] / b:.3f}", cold["seconds"] <= 0.3 * b),
        _row("warm reopen (cache valid)", f"{warm['seconds']:.3f} s", "<= 0.05 x base",
             f"{warm['seconds'] / b:.3f}", warm["seconds"] <= 0.05 * b and warm["parsed"] == 0),
        _row("  files re-parsed on warm reopen", str(warm["parsed"]), "0", "",
             warm["parsed"] == 0),
        # Informative: the window runs a search in slices between events (its keystroke
        # figure, against the 30 ms target, is bench_window.py's).
        _row("search, complete result, worst", f"{warm['keystroke_max'] * 1000:.1f} ms",
             "(in slices)", "", None),
        _row("search, complete result, median", f"{warm['keystroke_median'] * 1000:.2f} ms",
             "", "", None),
        _row("peak RSS, cold (main process)", f"{cold['rss_mb']:.0f} MB", "<= 350 MB",
             f"{cold['rss_mb'] / 350:.2f}", cold["rss_mb"] <= 350),
        _row("peak RSS, warm (main process)", f"{warm['rss_mb']:.0f} MB", "<= 350 MB",
             f"{warm['rss_mb'] / 350:.2f}", warm["rss_mb"] <= 350),
        _row("peak RSS, one worker", f"{cold['worker_rss_mb']:.0f} MB", "", "", None),
    ]  # fmt: skip
    base_cpu = min(r["cpu"] for r in bases)
    for fmt, (cold_check, warm_check, warm_cpu) in checks.items():
        lines += [
            _row(f"check --format {fmt}, cold", f"{cold_check:.2f} s", "<= 0.45 x base",
                 f"{cold_check / b:.3f}", cold_check <= 0.45 * b),
            _row(f"check --format {fmt}, warm", f"{warm_check:.2f} s", "<= 0.10 x base",
                 f"{warm_check / b:.3f}", warm_check <= 0.10 * b),
            # informative: CPU against the baseline's CPU, which a busy machine moves less
            _row("  warm, CPU s / baseline CPU s", f"{warm_cpu:.2f} s",
                 f"(base {base_cpu:.2f} s)", f"{warm_cpu / base_cpu:.3f}", None),
        ]  # fmt: skip
    if uncached is not None:
        lines += [
            _row("baseline, files not in page cache", f"{uncached[0]:.2f} s", "", "", None),
            _row("cold index, files not in page cache", f"{uncached[1]:.2f} s", "",
                 f"{uncached[1] / uncached[0]:.3f}", None),
        ]  # fmt: skip
    scale = cold["seconds"] / cold_small["seconds"]
    factor = args.entries / args.small
    lines.append(_row(f"cold {args.small} -> {args.entries}", f"x {scale:.2f}",
                      f"~ x {factor:.0f} (<= {factor * 1.2:.0f})", f"{scale / factor:.2f}",
                      scale <= factor * 1.2))  # fmt: skip
    got = cold["by_rule"]
    for rule, want in (
        ("parse-error", expected.broken),
        ("title-missing", expected.title_missing),
        ("description-missing", expected.description_missing),
        ("keywords-missing", expected.keywords_missing),
    ):
        count = got.get(rule, 0)
        lines.append(_row(f"count {rule}", str(count), f"= {want} (generated)", "",
                          count == want))  # fmt: skip
    lines.append(_row("entries indexed", str(cold["entries"]), f"= {expected.entries}", "",
                      cold["entries"] == expected.entries))  # fmt: skip
    if verify is not None:
        share = verify["fast"] / max(1, verify["fast"] + verify["slow"])
        lines.append(_row("fast YAML == PyYAML (files)", f"{verify['fast']}", "0 differ",
                          f"{share:.3f}", verify["mismatched"] == 0))  # fmt: skip
        if verify["mismatched"]:
            lines.append(f"  first difference: {verify['first']}")
    # Window figures (added by the GUI benchmark): names shown < 1.5 s, filter keystroke
    # through the real model and table <= 30 ms, longest event-loop stall while indexing
    # <= 100 ms. They are measured by a separate script driving the window.
    lines.append(_row("window: names shown", "see GUI bench", "< 1.5 s", "", None))
    lines.append(_row("window: filter keystroke", "see GUI bench", "<= 30 ms", "", None))
    lines.append(_row("window: longest stall indexing", "see GUI bench", "<= 100 ms", "", None))
    print("\n".join(lines))
    print(f"\nrules found (cold): {json.dumps(got, sort_keys=True)}")
    print(f"search hits for {typed}: {warm['hits']}")
    failed = sum(line.endswith("| FAIL |") for line in lines)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
