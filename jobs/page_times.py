"""Page times of ``reuse serve``: how fast each kind of page answers on a real database.

Starts the app in uvicorn on a loopback port (one process, as ``reuse serve``
runs it), asks for pages over HTTP one after another and prints, per page
type, the median, 95th percentile and maximum of the whole request (connect,
server, transfer). The pages asked for are a deterministic sample: the
overview (first pages, search by name and by text, filters, sorts), the
document reports and pair views of the documents with the most copied text
and of a random sample, templates, groups, the matches search and the
shipped queries.

    python jobs/page_times.py --db cn_laws.duckdb            # an existing database
    python jobs/page_times.py --corpus cn_laws_regs          # scan it first (a minute or two)

Target (issue 18): p95 under 300 ms for every page type on the database of a
full ``cn_laws_regs`` scan.
"""

from __future__ import annotations

import argparse
import http.client
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

DEFAULT_CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def _server(db: Path) -> tuple[object, int, threading.Thread]:
    import uvicorn

    from reuse.report.serve.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, port, thread


def _urls(db: Path, per_type: int, seed: int) -> dict[str, list[str]]:
    import duckdb

    rng = random.Random(seed)
    con = duckdb.connect(str(db), read_only=True)
    try:
        docs = [r[0] for r in con.execute("SELECT doc_id FROM live_documents").fetchall()]
        top = [
            r[0]
            for r in con.execute(
                "SELECT doc_id FROM document_shares ORDER BY copied_chars DESC LIMIT ?",
                [per_type // 2],
            ).fetchall()
        ]
        pairs = con.execute(
            "SELECT doc_a, doc_b FROM live_matches WHERE kind = 'reuse' "
            "GROUP BY ALL ORDER BY sum(a_end - a_start) DESC, 1, 2"
        ).fetchall()
        templates = [r[0] for r in con.execute("SELECT template_id FROM templates").fetchall()]
        groups = [r[0] for r in con.execute("SELECT group_id FROM groups").fetchall()]
        names = [
            r[0]
            for r in con.execute(
                "SELECT regexp_extract(path, '([^/]{2})[^/]*$', 1) FROM live_documents"
            ).fetchall()
        ]
        words = [
            r[0]
            for r in con.execute(
                "SELECT substr(text, 1 + (hash(doc_id) % greatest(n_chars - 8, 1))::INT, 6) "
                "FROM live_documents"
            ).fetchall()
        ]
    finally:
        con.close()

    def sample(items: list, k: int) -> list:
        return rng.sample(items, min(k, len(items))) if items else []

    half = per_type - per_type // 2
    overview = ["/", "/?page=2", "/?sort=copied", "/?kind=template", "/?min_share=10"]
    overview += [f"/?name={quote(n)}" for n in sample(names, per_type // 3)]
    overview += [f"/?text={quote(w)}" for w in sample(words, per_type // 3)]
    return {
        "overview": overview,
        "document": [f"/doc/{d}" for d in top + sample(docs, half)],
        "pair": [f"/pair/{a}/{b}" for a, b in pairs[: per_type // 2] + sample(pairs, half)],
        "templates": ["/templates", "/templates?page=2", "/templates?kind=boilerplate"]
        + [f"/templates/{t}" for t in templates[:5] + sample(templates, per_type - 5)],
        "groups": ["/groups"] + [f"/groups/{g}" for g in groups[:5] + sample(groups, per_type)],
        "matches": ["/matches", "/matches?kind=template", "/matches?min_similarity=0.9"]
        + [f"/matches?text={quote(w[:4])}" for w in sample(words, per_type // 2)],
        "sql": [
            "/sql",
            "/sql?name=top_pairs",
            "/sql?name=document_similarity",
            "/sql?name=templates",
            "/sql?name=reuse_groups",
        ],  # fmt: skip
    }


def _get(port: int, url: str) -> tuple[int, float, int]:
    t0 = time.perf_counter()
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    con.request("GET", url)
    response = con.getresponse()
    body = response.read()
    con.close()
    return response.status, time.perf_counter() - t0, len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a scanned database")
    parser.add_argument("--corpus", default="cn_laws_regs", help="scanned first when no --db")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--per-type", type=int, default=40, help="pages asked for per type")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--slowest", type=int, default=0, help="list the N slowest pages per type")
    args = parser.parse_args()
    db = args.db
    if db is None:
        from reuse import Config, scan

        db = Path(tempfile.mkdtemp(prefix="reuse-pages-")) / f"{args.corpus}.duckdb"
        t0 = time.perf_counter()
        scan([args.corpora / args.corpus], db, Config())
        print(f"scanned {args.corpus} in {time.perf_counter() - t0:.1f} s")
    urls = _urls(db, args.per_type, args.seed)
    server, port, thread = _server(db)
    try:
        _get(port, "/")  # the first request opens the database
        print(f"## reuse serve page times: {db.name}, {sum(map(len, urls.values()))} requests")
        print(f"{'page':10} {'n':>4} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'KB mean':>8}")
        failed = 0
        slowest: list[str] = []
        for kind, items in urls.items():
            times, sizes, timed = [], [], []
            for url in items:
                status, seconds, size = _get(port, url)
                if status != 200:
                    failed += 1
                    print(f"  {status} {url}", file=sys.stderr)
                times.append(seconds * 1000)
                timed.append((seconds * 1000, url))
                sizes.append(size / 1024)
            times.sort()
            p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
            print(
                f"{kind:10} {len(times):4d} {statistics.median(times):10.1f} {p95:8.1f} "
                f"{times[-1]:8.1f} {statistics.mean(sizes):8.1f}"
            )
            timed.sort(reverse=True)
            slowest += [f"  {ms:8.1f} ms  {url}" for ms, url in timed[: args.slowest]]
        if slowest:
            print("slowest pages:")
            print("\n".join(slowest))
        if failed:
            print(f"{failed} requests failed", file=sys.stderr)
            sys.exit(1)
    finally:
        server.should_exit = True  # type: ignore[attr-defined]
        thread.join(timeout=10)


if __name__ == "__main__":
    main()
