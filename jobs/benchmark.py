"""Speed and memory of the real scan on real corpora, against baselines measured in the same run.

    python jobs/benchmark.py                         # every section, both corpora
    python jobs/benchmark.py --sections scan,naive --corpus cn_laws_regs
    python jobs/benchmark.py --sections nightly --corpus xwlb_news

Sections (each prints a table; every scan runs in a fresh subprocess, from
files to a new DuckDB file, so its wall time and peak RSS are its own;
``--repeat N`` runs each scan and baseline N times and reports the run of
median wall time, listing every run's):

- ``scan``: the full scan of each corpus with every CPU (``scan.workers = 0``):
  characters per second end to end, seconds per stage, candidate passage
  pairs, matches, peak RSS; then the same scan with ``scan.edits = false``
  (detection only: the typed edits left for later). Stage seconds are summed over worker processes
  (CPU-seconds), so with two workers they can add up to more than the wall.
- ``naive``: on a subset of at least 1 M characters, the straightforward
  datasketch pipeline: the same normalised passages and the same shingles
  (CJK characters and Latin words, 3 units, hashed by datasketch's default
  SHA-1 of the UTF-8 bytes), ``MinHash.update`` per shingle, ``MinHashLSH``
  insert and query with the same ``(bands, rows)``, no verification at all;
  against the real scan (with alignment and store) of the same subset. With
  ``--text-dedup-python PY`` (a Python that has ``text-dedup`` installed, e.g.
  a separate venv: its dependencies, pyspark and datasets among them, are not
  ours), also text-dedup's MinHash deduplication (``python -m
  text_dedup.minhash``, 128 permutations, threshold 0.5, xxh3, every CPU) on
  the same files: the peer a user would pick instead. It works at *document*
  level (near-duplicate documents, no passages, no offsets), so the table
  gives what each found beside the time.
- ``scaling``: the scan of 1/8, 1/4, 1/2 and all of a corpus (every 8th, 4th,
  2nd file in path order), with time and memory growth per doubling.

Memory is given twice: the peak RSS of the main process and of the largest
worker (forked workers share pages with the main process, so the two overlap),
and "all MB", the peak of the summed PSS of the main process and its workers,
sampled every second or more (Linux; one sample of a 2 GB process takes ~50 ms,
so the interval is 30 times the last sample's duration), which counts every
page once.
- ``workers``: the full scan with one worker and with two; the match tables
  must be equal.
- ``blocks``: the first corpus's scan (no edits) with its candidate pairs
  made and aligned in one block and in blocks of 2 M pairs
  (``scan.candidate_budget_pairs``): time, memory, and equal match tables.
- ``nightly``: a folder holding 99% of a corpus scanned, then the last 1% of
  files added and scanned again (the nightly case), against the full scan.
- ``spark``: the last corpus scanned by the Spark engine in ``local[2]``
  (``reuse scan --engine spark``: the Spark job, then the import into DuckDB)
  against the embedded engine with every CPU; the two databases must be
  equal (documents, passages, matches with offsets and ids, edits, groups).
  It also prints the per-core throughput of each Spark stage and the
  capacity estimate for 50 million passages derived from it (docs/spark.md,
  "Capacity"). Needs ``pip install '.[spark]'`` and Java 17+.

Nothing here is part of the product; it measures it.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jobs.evaluation.scan_tables import database_tables, match_table  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
SECTIONS = ("scan", "naive", "scaling", "workers", "blocks", "nightly", "spark")
STAGES = (
    "ingest",
    "normalise",
    "segment",
    "shingle",
    "sketch",
    "boilerplate",
    "candidates",
    "align",
    "store",
    "provenance",
    "edits",
    "groups",
)


def corpus_files(corpora: Path, name: str) -> list[Path]:
    """The corpus's text files in path order (MANIFEST and other tables excluded)."""
    root = corpora / name
    if not root.is_dir():
        raise SystemExit(f"corpus {root} not found (--corpora points at ../shared/corpora)")
    return sorted(p for p in root.rglob("*.txt") if p.is_file())


def n_chars(files: list[Path]) -> int:
    return sum(len(p.read_text(encoding="utf-8")) for p in files)


def subset_of(files: list[Path], min_chars: int) -> list[Path]:
    """Every k-th file, the largest k whose subset still has ``min_chars`` characters."""
    total = n_chars(files)
    k = max(1, total // min_chars)
    while k > 1 and n_chars(files[::k]) < min_chars:
        k -= 1
    return files[::k]


# --- one measured run, in its own process ------------------------------------------------


def _peak_rss_mb() -> tuple[float, float]:
    """Peak RSS of this process and of its largest child (worker), in MB (Linux: KiB units)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


class TreeMemory:
    """Peak memory of this process and its descendants together, sampled every
    ``interval`` seconds: the sum of their proportional set sizes (PSS, Linux
    ``/proc/PID/smaps_rollup``). PSS charges a page shared by k processes 1/k
    to each, so the forked workers' copy-on-write pages are counted once, as
    they are in RAM; per-process peak RSS (the other column) counts them in
    every process. 0 where /proc is not there."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _tree(pid: int) -> list[int]:
        out, todo = [], [pid]
        while todo:
            p = todo.pop()
            out.append(p)
            try:
                for task in Path(f"/proc/{p}/task").iterdir():
                    todo.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                continue
        return out

    @staticmethod
    def _pss_kib(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return 0

    def _run(self) -> None:
        import os

        while not self._stop.is_set():
            t0 = time.perf_counter()
            total = sum(self._pss_kib(p) for p in self._tree(os.getpid()))
            self.peak_mb = max(self.peak_mb, total / 1024)
            # Reading smaps_rollup walks the page tables (~50 ms for 2 GB) and
            # holds the process's memory-map lock: keep it under ~3% of the time.
            self._stop.wait(max(self.interval, 30 * (time.perf_counter() - t0)))


def run_scan(
    list_file: str, db: str, workers: int, edits: bool = True, pair_budget: int = -1
) -> dict[str, Any]:
    """Child side of ``measure_scan``: scan the listed files (or a folder) into ``db``
    (``pair_budget`` >= 0: that ``scan.candidate_budget_pairs``)."""
    from reuse import Config, scan

    roots = Path(list_file).read_text(encoding="utf-8").splitlines()
    overrides: dict[str, Any] = {"scan.workers": workers, "scan.edits": edits}
    if pair_budget >= 0:
        overrides["scan.candidate_budget_pairs"] = pair_budget
    config = Config.load(overrides=overrides)
    _ = config.lsh_bands  # imports datasketch (and scipy) before the clock, as run_naive does
    t0 = time.perf_counter()
    with TreeMemory() as memory:
        result = scan(roots, db, config)
    wall = time.perf_counter() - t0
    own, children = _peak_rss_mb()
    return {
        "wall": wall,
        "timings": result.timings,
        "candidates": result.n_candidates,
        "reuse": result.n_reuse,
        "boilerplate": result.n_boilerplate,
        "sketched": result.n_sketched,
        "errors": result.n_errors,
        "rss_main_mb": own,
        "rss_worker_mb": children,
        "pss_tree_mb": memory.peak_mb,
    }


def run_naive(list_file: str) -> dict[str, Any]:
    """Child side of ``measure_naive``: the straightforward datasketch pipeline."""
    from datasketch import MinHash, MinHashLSH

    from reuse import Config
    from reuse.text.normalise import normalise
    from reuse.text.segment import segment
    from reuse.text.shingle import units

    config = Config()
    bands, rows = config.lsh_bands
    n = config.shingle.n
    t0 = time.perf_counter()
    lsh = MinHashLSH(num_perm=config.sketch.num_perm, params=(bands, rows))
    sketches: list[tuple[str, MinHash]] = []
    chars = 0
    for path in Path(list_file).read_text(encoding="utf-8").splitlines():
        text = Path(path).read_text(encoding="utf-8")
        chars += len(text)
        norm = normalise(text).text
        seg = segment(norm, config.segment)
        for k, (s, e) in enumerate(zip(seg.passage_starts.tolist(), seg.passage_ends.tolist())):
            passage = norm[s:e]
            _, starts, ends = units(passage)
            toks = [passage[a:b] for a, b in zip(starts.tolist(), ends.tolist())]
            m = MinHash(num_perm=config.sketch.num_perm, seed=config.sketch.seed)
            for i in range(len(toks) - n + 1):
                m.update("".join(toks[i : i + n]).encode("utf-8"))
            key = f"{path}#{k}"
            lsh.insert(key, m)
            sketches.append((key, m))
    candidates = 0
    for key, m in sketches:
        doc = key.rsplit("#", 1)[0]
        candidates += sum(1 for other in lsh.query(m) if other.rsplit("#", 1)[0] != doc)
    wall = time.perf_counter() - t0
    own, _ = _peak_rss_mb()
    return {
        "wall": wall,
        "chars": chars,
        "passages": len(sketches),
        "candidates": candidates // 2,
        "rss_main_mb": own,
    }


def run_spark(list_file: str, db: str, output: str, master: str) -> dict[str, Any]:
    """Child side of ``section_spark``: the Spark job into ``output``, then the import."""
    from reuse import Config
    from reuse.engine.spark import run_spark_scan
    from reuse.engine.spark_import import import_output
    from reuse.engine.spark_session import spark_session

    roots = Path(list_file).read_text(encoding="utf-8").splitlines()
    t0 = time.perf_counter()
    spark = spark_session(master)
    started = time.perf_counter() - t0
    try:
        manifest = run_spark_scan(spark, roots, output, Config())
        jvm_mb = _jvm_peak_mb(spark)
    finally:
        spark.stop()
    job = time.perf_counter() - t0
    t1 = time.perf_counter()
    result = import_output(output, db)
    imported = time.perf_counter() - t1
    own, children = _peak_rss_mb()
    return {
        "wall": time.perf_counter() - t0,
        "session": started,
        "job": job,
        "import": imported,
        "manifest": {k: v for k, v in manifest.items() if k not in ("config", "fingerprint")},
        "import_timings": {k: v for k, v in result.timings.items() if not k.startswith("spark")},
        "reuse": result.n_reuse,
        "boilerplate": result.n_boilerplate,
        "rss_main_mb": own,
        "rss_worker_mb": children,
        "rss_jvm_mb": jvm_mb,
    }


def _jvm_peak_mb(spark: Any) -> float:
    """Peak RSS (VmHWM) of the Spark driver JVM in MB; 0 where /proc is not there."""
    proc = getattr(spark.sparkContext._gateway, "proc", None)
    if proc is None:
        return 0.0
    try:
        status = Path(f"/proc/{proc.pid}/status").read_text()
    except (AttributeError, OSError):
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


#: Runs of each measured scan and baseline (``--repeat``): the machine's speed
#: drifts by 10-20% from run to run, so with several runs each row reports the
#: run of median wall time (its stage seconds and memory too) and lists every
#: run's wall time.
REPEAT = 1


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median wall time (the lower one of an even number), with
    ``walls``: every run's wall time, in the order they ran."""
    ordered = sorted(runs, key=lambda r: r["wall"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["walls"] = [r["wall"] for r in runs]
    return chosen


def _runs(r: dict[str, Any]) -> str:
    """The wall times of a row's runs, when there were several."""
    walls = r.get("walls", [])
    return f"  runs: {' '.join(f'{w:.1f}' for w in walls)} s" if len(walls) > 1 else ""


def _child(section: str, *args: Any) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; its JSON result."""
    cmd = [sys.executable, __file__, "--child", section, *map(str, args)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{section} run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure_scan(
    roots: list[Path],
    work: Path,
    name: str,
    workers: int = 0,
    edits: bool = True,
    pair_budget: int = -1,
) -> dict[str, Any]:
    db = work / f"{name}.duckdb"
    listing = work / f"{name}.list"
    listing.write_text("\n".join(str(r) for r in roots), encoding="utf-8")
    runs = []
    for _ in range(REPEAT):
        for stale in work.glob(f"{name}.duckdb*"):
            stale.unlink()
        runs.append(_child("scan", listing, db, workers, int(edits), pair_budget))
    out = _median_run(runs)
    out["db"] = str(db)
    return out


# --- report ------------------------------------------------------------------------------


def _mc(chars: int, seconds: float) -> str:
    return f"{chars / seconds / 1e6:.2f}"


def _peak(r: dict[str, Any]) -> str:
    return f"{r['rss_main_mb']:.0f}+{r.get('rss_worker_mb', 0):.0f}"


def _tree(r: dict[str, Any]) -> str:
    return f"{r.get('pss_tree_mb', 0):.0f}"


def section_scan(corpora: Path, names: list[str], work: Path) -> None:
    print("\n## Full scan, every CPU (files -> DuckDB)")
    print(
        f"{'corpus':14} {'docs':>6} {'M chars':>8} {'wall s':>7} {'M ch/s':>7} "
        f"{'cand pairs':>11} {'reuse':>8} {'boilerpl':>8} {'peak MB main+worker':>20} "
        f"{'all MB':>7}"
    )
    stage_rows = []
    for name in names:
        files = corpus_files(corpora, name)
        chars = n_chars(files)
        r = measure_scan([corpora / name], work, f"scan-{name}")
        print(
            f"{name:14} {len(files):6d} {chars / 1e6:8.2f} {r['wall']:7.1f} "
            f"{_mc(chars, r['wall']):>7} {r['candidates']:11,d} {r['reuse']:8,d} "
            f"{r['boilerplate']:8,d} {_peak(r):>20} {_tree(r):>7}{_runs(r)}",
            flush=True,
        )
        stage_rows.append((name, r["timings"]))
        bare = measure_scan([corpora / name], work, f"scan-{name}-no-edits", edits=False)
        label = "  no edits"
        print(
            f"{label:14} {len(files):6d} {chars / 1e6:8.2f} {bare['wall']:7.1f} "
            f"{_mc(chars, bare['wall']):>7} {bare['candidates']:11,d} {bare['reuse']:8,d} "
            f"{bare['boilerplate']:8,d} {_peak(bare):>20} {_tree(bare):>7}{_runs(bare)}",
            flush=True,
        )
    print(
        "\npeak MB main+worker: peak RSS of the main process and of the largest worker "
        "(forked: pages they share count in both); all MB: peak of the summed PSS of the "
        "main process and its workers, sampled every 1-5 s (shared pages counted once)"
    )
    print(
        "\nseconds per stage (summed over worker processes; edits and groups: wall seconds "
        "of the main process, edits computed in the workers):"
    )
    print(f"{'corpus':14} " + " ".join(f"{s:>9}" for s in STAGES))
    for name, timings in stage_rows:
        print(f"{name:14} " + " ".join(f"{timings.get(s, 0.0):9.2f}" for s in STAGES))


def section_naive(
    corpora: Path, name: str, work: Path, min_chars: int, text_dedup_python: str | None = None
) -> list[Path]:
    files = subset_of(corpus_files(corpora, name), min_chars)
    chars = n_chars(files)
    print(f"\n## Naive datasketch pipeline vs the scan: {name}, {len(files)} files, {chars:,} ch")
    listing = work / "naive.list"
    listing.write_text("\n".join(map(str, files)), encoding="utf-8")
    ours = measure_scan(files, work, "naive-ours")
    one = measure_scan(files, work, "naive-ours-1", workers=1)
    bare = measure_scan(files, work, "naive-ours-no-edits", edits=False)
    naive = _median_run([_child("naive", listing) for _ in range(REPEAT)])
    print(f"{'pipeline':44} {'wall s':>7} {'M ch/s':>7} {'cand pairs':>11} {'ratio':>7}")
    rows = [
        ("naive: MinHash.update per shingle + MinHashLSH", naive),
        ("reuse scan, 1 worker (with align + store)", one),
        ("reuse scan, every CPU (with align + store)", ours),
        ("reuse scan, every CPU, no typed edits", bare),
    ]
    for label, r in rows:
        wall, cands, ratio = r["wall"], r["candidates"], naive["wall"] / r["wall"]
        print(f"{label:44} {wall:7.1f} {_mc(chars, wall):>7} {cands:11,d} {ratio:6.1f}x{_runs(r)}")
    print(
        f"(ratio: the naive pipeline's time / this one's; the scan found {ours['reuse']:,d} "
        f"reuse passages; the naive pipeline verifies nothing)"
    )
    if text_dedup_python:
        peer = text_dedup_run(files, work, text_dedup_python)
        print(
            f"\npeer, document level: text-dedup {peer['version']} MinHash "
            f"(python -m text_dedup.minhash, 128 perm, threshold 0.5, xxh3, every CPU)"
        )
        print(f"{'pipeline':44} {'wall s':>7} {'M ch/s':>7} {'found':>24}")
        print(
            f"{'text-dedup minhash (whole command)':44} {peer['wall']:7.1f} "
            f"{_mc(chars, peer['wall']):>7} {str(peer['removed']) + ' duplicate documents':>24}"
        )
        print(
            f"{'reuse scan, every CPU':44} {ours['wall']:7.1f} {_mc(chars, ours['wall']):>7} "
            f"{str(ours['reuse']) + ' reused passages':>24}"
        )
        print(f"reuse scan time / text-dedup time: {ours['wall'] / peer['wall']:.2f}")
    else:
        print("(text-dedup not measured: give --text-dedup-python, see the module docstring)")
    return files


def text_dedup_run(files: list[Path], work: Path, python: str) -> dict[str, Any]:
    """Run text-dedup's MinHash deduplication on ``files`` (one JSON line each)."""
    data = work / "text-dedup.jsonl"
    with data.open("w", encoding="utf-8") as out:
        for i, path in enumerate(files):
            text = path.read_bytes().decode("utf-8", errors="replace")
            out.write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")
    output = work / "text-dedup-out"
    shutil.rmtree(output, ignore_errors=True)
    cmd = [
        python, "-m", "text_dedup.minhash", "--path", "json", "--data_files", str(data),
        "--split", "train", "--cache_dir", str(work / "text-dedup-cache"),
        "--output", str(output), "--column", "text", "--num_perm", "128",
        "--threshold", "0.5", "--hash_func", "xxh3",
    ]  # fmt: skip
    t0 = time.perf_counter()
    run = subprocess.run(cmd, capture_output=True, text=True, env={**_env(), "COLUMNS": "200"})
    wall = time.perf_counter() - t0
    if run.returncode != 0:
        raise SystemExit(f"text-dedup failed:\n{run.stderr[-2000:]}")
    log = run.stdout + run.stderr
    counts = [int(n) for n in _after_labels(log, ("Before", "After"))]
    version = subprocess.run(
        [python, "-c", "import importlib.metadata as m; print(m.version('text-dedup'))"],
        capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    return {
        "wall": wall,
        "removed": counts[0] - counts[1] if len(counts) == 2 else "?",
        "version": version,
    }


def _after_labels(log: str, labels: tuple[str, ...]) -> list[str]:
    """The number logged after each of ``labels`` ("Before : 166"), in order."""
    import re

    out = []
    for label in labels:
        found = re.search(label + r"\s*:\s*(?:\S+\.py:\d+\s*)?(\d+)", log)
        if found:
            out.append(found.group(1))
    return out


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def section_scaling(corpora: Path, name: str, work: Path) -> None:
    files = corpus_files(corpora, name)
    print(f"\n## Scaling: {name}, every CPU")
    print(
        f"{'share':>6} {'docs':>6} {'M chars':>8} {'wall s':>7} {'x prev':>7} {'M ch/s':>7} "
        f"{'cand pairs':>11} {'peak MB main+worker':>20} {'all MB':>7} {'x prev':>7}"
    )
    prev = None
    for k in (8, 4, 2, 1):
        part = files[::k]
        chars = n_chars(part)
        r = measure_scan(part, work, f"scale-{name}-{k}")
        peak = r.get("pss_tree_mb") or r["rss_main_mb"] + r["rss_worker_mb"]
        grow = f"{r['wall'] / prev[0]:6.2f}x" if prev else "      -"
        mgrow = f"{peak / prev[1]:6.2f}x" if prev else "      -"
        print(
            f"{'1/' + str(k) if k > 1 else 'all':>6} {len(part):6d} {chars / 1e6:8.2f} "
            f"{r['wall']:7.1f} {grow:>7} {_mc(chars, r['wall']):>7} {r['candidates']:11,d} "
            f"{_peak(r):>20} {_tree(r):>7} {mgrow:>7}{_runs(r)}",
            flush=True,
        )
        prev = (r["wall"], peak)


def section_workers(corpora: Path, name: str, work: Path) -> None:
    print(f"\n## One worker vs two: {name}")
    runs = {w: measure_scan([corpora / name], work, f"workers-{name}-{w}", w) for w in (1, 2)}
    same = match_table(runs[1]["db"]) == match_table(runs[2]["db"])
    print(f"{'workers':>8} {'wall s':>7} {'reuse':>8} {'boilerpl':>8}")
    for w, r in runs.items():
        print(f"{w:8d} {r['wall']:7.1f} {r['reuse']:8,d} {r['boilerplate']:8,d}")
    print(
        f"speed-up {runs[1]['wall'] / runs[2]['wall']:.2f}x; "
        f"match tables {'identical' if same else 'DIFFERENT'}"
    )


def section_blocks(corpora: Path, name: str, work: Path, budget: int = 2_000_000) -> None:
    """Candidate pairs made and aligned in one block against blocks of ``budget`` pairs
    (``scan.candidate_budget_pairs``; detection only): time, memory, same matches."""
    print(f"\n## Candidate pairs in blocks: {name}, every CPU, no edits")
    print(f"{'candidate blocks':28} {'wall s':>7} {'cand pairs':>11} {'reuse':>8} "
          f"{'peak MB main+worker':>20} {'all MB':>7}")  # fmt: skip
    runs = []
    for label, pairs in (("one block", 0), (f"blocks of {budget / 1e6:g} M pairs", budget)):
        tag = f"blocks-{name}-{pairs}"
        r = measure_scan([corpora / name], work, tag, edits=False, pair_budget=pairs)
        runs.append(r)
        print(
            f"{label:28} {r['wall']:7.1f} {r['candidates']:11,d} {r['reuse']:8,d} "
            f"{_peak(r):>20} {_tree(r):>7}",
            flush=True,
        )
    same = match_table(runs[0]["db"]) == match_table(runs[1]["db"])
    print(f"match tables {'identical' if same else 'DIFFER'}")


def section_nightly(corpora: Path, name: str, work: Path) -> None:
    files = corpus_files(corpora, name)
    print(f"\n## Nightly: {name}, {len(files)} files; 1% added to a scanned 99%")
    folder = work / f"nightly-{name}"
    shutil.rmtree(folder, ignore_errors=True)
    root = corpora / name
    new = files[::100]
    old = [p for p in files if p not in set(new)]

    def place(paths: list[Path]) -> None:
        for p in paths:
            dest = folder / p.relative_to(root)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, dest)

    place(old)
    full = measure_scan([folder], work, f"nightly-{name}")
    place(new)
    db = Path(full["db"])
    listing = work / f"nightly-{name}.list"
    nightly = _child("scan", listing, db, 0, 1, -1)
    fresh = measure_scan([folder], work, f"nightly-fresh-{name}")
    same = match_table(str(db)) == match_table(fresh["db"])
    mb = Path(db).stat().st_size / 1e6

    def row(label: str, run: dict[str, Any], share: str) -> str:
        copy = run["timings"].get("snapshot", 0.0)
        return (
            f"{label:34} {run['sketched']:8d} {run['wall']:7.1f} {share:>13} "
            f"{copy:10.2f} {copy / run['wall']:9.1%}"
        )

    print(f"{'run':34} {'sketched':>8} {'wall s':>7} {'share of full':>13} "
          f"{'snapshot s':>10} {'of wall':>9}")  # fmt: skip
    print(row("full scan of 99%", full, ""))
    print(row("nightly: +1% new files", nightly, f"{nightly['wall'] / fresh['wall']:.1%}"))
    print(row("fresh full scan of 100%", fresh, f"{1:.1%}"))
    print(
        f"snapshot s: copying the published database ({mb:,.0f} MB) to the scan's own "
        "file and publishing it (merge verdicts, checkpoint, fsync, rename)"
    )
    print(f"incremental database {'equals' if same else 'DIFFERS FROM'} the fresh scan's matches")


#: The capacity estimate's corpus: passages, and the machines it is spread over.
CAPACITY_PASSAGES = 50_000_000
CAPACITY_CORES = (64, 256)


def section_spark(corpora: Path, name: str, work: Path, master: str) -> None:
    files = corpus_files(corpora, name)
    chars = n_chars(files)
    print(f"\n## Spark engine ({master}) vs embedded engine: {name}, {len(files)} files")
    embedded = measure_scan([corpora / name], work, f"spark-embedded-{name}")
    db = work / f"spark-{name}.duckdb"
    for stale in work.glob(f"spark-{name}.duckdb*"):
        if stale.is_dir():
            shutil.rmtree(stale)
        else:
            stale.unlink()
    listing = work / f"spark-{name}.list"
    listing.write_text(str(corpora / name), encoding="utf-8")
    output = work / f"spark-{name}.out"
    spark = _child("spark", listing, db, output, master)
    m = spark["manifest"]
    a, b = database_tables(embedded["db"]), database_tables(str(db))
    same = {table: a[table] == b[table] for table in a}
    print(f"{'engine':34} {'wall s':>7} {'M ch/s':>7} {'cand pairs':>11} {'reuse':>8} {'edits':>9}")
    print(
        f"{'embedded, every CPU':34} {embedded['wall']:7.1f} {_mc(chars, embedded['wall']):>7} "
        f"{embedded['candidates']:11,d} {embedded['reuse']:8,d} {len(a['edits']):9,d}"
    )
    print(
        f"{'spark ' + master + ' (job + import)':34} {spark['wall']:7.1f} "
        f"{_mc(chars, spark['wall']):>7} {m['n_candidates']:11,d} {spark['reuse']:8,d} "
        f"{len(b['edits']):9,d}"
    )
    print(
        "equal: "
        + ", ".join(f"{t} {'yes' if ok else 'NO'} ({len(a[t]):,d})" for t, ok in same.items())
    )
    sec = m["seconds"]
    print(
        f"spark: session start {spark['session']:.1f} s, index {sec['index']:.1f} s, "
        f"candidates {sec['candidates']:.1f} s, align + edits {sec['align']:.1f} s; "
        f"import into DuckDB {spark['import']:.1f} s "
        f"({', '.join(f'{k} {v:.1f}' for k, v in spark['import_timings'].items())}); "
        f"peak RSS of the driver + import process {spark['rss_main_mb']:.0f} MB "
        f"+ JVM {spark.get('rss_jvm_mb', 0):.0f} MB (local mode: executors inside it), "
        f"embedded {_peak(embedded)} MB"
    )
    cores = _cores(master)
    passages = len(a["passages"])
    n_match = len(a["matches"])
    per_core = {
        "index": passages / (sec["index"] * cores),
        "candidates": passages / (sec["candidates"] * cores),
        "align": passages / (sec["align"] * cores),
    }
    print(
        f"\nper-core throughput ({cores} cores, {passages:,d} passages, {chars / 1e6:.2f} M chars, "
        f"{m['n_candidates'] / passages:.2f} candidate pairs and {n_match / passages:.3f} "
        "matches per passage):"
    )
    for stage, rate in per_core.items():
        print(f"  {stage:11} {rate:10,.0f} passages per core-second")
    core_seconds = sum(CAPACITY_PASSAGES / rate for rate in per_core.values())
    import_per_match = spark["import"] / max(1, n_match)
    matches_50m = CAPACITY_PASSAGES * n_match / passages
    print(
        f"capacity for {CAPACITY_PASSAGES / 1e6:.0f} M passages at this corpus's reuse rate: "
        f"{core_seconds / 3600:,.0f} core-hours in Spark"
        + "".join(f"; {n} cores: {core_seconds / n / 60:.0f} min" for n in CAPACITY_CORES)
        + f"; import of ~{matches_50m / 1e6:.1f} M matches on one machine: "
        f"~{matches_50m * import_per_match / 60:.0f} min "
        f"at {import_per_match * 1e6:.0f} µs per match"
    )


def _cores(master: str) -> int:
    import os

    if master.startswith("local["):
        inner = master[len("local[") : -1].split(",")[0]
        return (os.cpu_count() or 1) if inner == "*" else int(inner)
    return os.cpu_count() or 1


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        section, child_args = sys.argv[2], sys.argv[3:]
        if section == "scan":
            out = run_scan(
                child_args[0],
                child_args[1],
                int(child_args[2]),
                bool(int(child_args[3])),
                int(child_args[4]),
            )
        elif section == "spark":
            out = run_spark(*child_args)
        else:
            out = run_naive(child_args[0])
        print(json.dumps(out))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--corpus", default="cn_laws_regs,xwlb_news", help="comma-separated")
    parser.add_argument("--sections", default=",".join(SECTIONS))
    parser.add_argument("--spark-master", default="local[2]", help="master of the spark section")
    parser.add_argument("--work", type=Path, default=None, help="folder for databases")
    parser.add_argument("--naive-chars", type=int, default=1_000_000)
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each scan and baseline; the median is shown"
    )
    parser.add_argument(
        "--text-dedup-python",
        default=None,
        help="a Python with text-dedup installed: also time it (naive section)",
    )
    args = parser.parse_args()
    global REPEAT
    REPEAT = max(1, args.repeat)
    names = [n for n in args.corpus.split(",") if n]
    sections = [s for s in args.sections.split(",") if s]
    for s in sections:
        if s not in SECTIONS:
            raise SystemExit(f"unknown section {s!r}; choose from {', '.join(SECTIONS)}")
    work = args.work or Path(tempfile.mkdtemp(prefix="reuse-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    from reuse import __version__
    from reuse.engine.workers import available_cpus

    print(
        f"# reuse {__version__} benchmark, {date.today()}, {platform.machine()} "
        f"{platform.processor() or ''} {available_cpus()} CPUs, Python {platform.python_version()}"
    )
    print(f"command: python jobs/benchmark.py {' '.join(sys.argv[1:])}".rstrip())
    if "scan" in sections:
        section_scan(args.corpora, names, work)
    if "naive" in sections:
        section_naive(args.corpora, names[0], work, args.naive_chars, args.text_dedup_python)
    if "scaling" in sections:
        section_scaling(args.corpora, names[0], work)
    if "workers" in sections:
        section_workers(args.corpora, names[0], work)
    if "blocks" in sections:
        section_blocks(args.corpora, names[0], work)
    if "nightly" in sections:
        section_nightly(args.corpora, names[-1], work)
    if "spark" in sections:
        section_spark(args.corpora, names[-1], work, args.spark_master)
    print(f"\nwork folder: {work}")


if __name__ == "__main__":
    main()
