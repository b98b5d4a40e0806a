"""reuse serve: the pages' data and rules through Starlette's test client, then
the app in a real server driven by headless Chromium (search, filter,
pagination, a verdict, the side-by-side view), and screenshots of gov_reports
where ../shared/corpora exists."""

from __future__ import annotations

import random
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPORA, DATA, SEED_A, SEED_B, write

from reuse import Config, scan
from reuse.report.query import confined_connection
from reuse.report.serve import pages

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from reuse.report.serve.app import create_app  # noqa: E402

OUTPUT = Path(__file__).parent / "output"


def _seeds(root: Path) -> Path:
    corpus = root / "seeds"
    corpus.mkdir(parents=True)
    for f in sorted(DATA.glob("*.txt")):
        shutil.copy(f, corpus / f.name)
    return corpus


@pytest.fixture
def seeds(tmp_path: Path) -> tuple[Path, Path]:
    """(corpus folder, database) of the sample corpus, scanned (a private copy)."""
    corpus = _seeds(tmp_path)
    db = tmp_path / "reuse.duckdb"
    scan([corpus], db, Config())
    return corpus, db


def _notes(folder: Path, n: int, rng: random.Random) -> None:
    """``n`` short documents of random text that share nothing."""
    from test_templates import _filler

    for i in range(n):
        write(folder / f"note_{i}.txt", "\n".join(_filler(rng, 6)))


def _client(db: Path) -> TestClient:
    return TestClient(create_app(db, reviewer="tester", allowed_hosts=["testserver"]))


def _doc_ids(html: str) -> list[str]:
    return re.findall(r'<tr data-doc="(\d+)">', html)


def _paths(html: str) -> list[str]:
    return [Path(p).name for p in re.findall(r'class="path" href="/doc/\d+" title="([^"]+)"', html)]


def _token(html: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', html)
    assert found, "a page with a verdict form carries the token"
    return found.group(1)


def _doc_id(db: Path, name: str) -> int:
    con = confined_connection(db)  # the app's own settings: in one process, one instance
    try:
        return con.execute(
            "SELECT doc_id FROM documents WHERE path LIKE ?", [f"%{name}"]
        ).fetchone()[0]
    finally:
        con.close()


# --- pages through the test client ----------------------------------------------------------


def test_first_page_lists_the_reused_pair_first(seeds: tuple[Path, Path]) -> None:
    _, db = seeds
    page = _client(db).get("/")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert set(_paths(page.text)[:2]) == {SEED_A, SEED_B}
    assert "86.7%" in page.text and "87.7%" in page.text


def test_document_report_pair_view_and_edits(seeds: tuple[Path, Path]) -> None:
    _, db = seeds
    client = _client(db)
    a, b = _doc_id(db, SEED_A), _doc_id(db, SEED_B)
    doc = client.get(f"/doc/{b}").text
    assert 'id="share">86.7%</span>' in doc
    assert f'href="/pair/{b}/{a}"' in doc, "the source links to the side-by-side view"
    assert re.search(r'<a class="c-copied" href="/pair/\d+/\d+#m\d+-[ab]"', doc), (
        "copied text is marked in place and linked to its source"
    )
    pair = client.get(f"/pair/{b}/{a}").text
    assert pair.count("<mark ") >= 2 and 'data-side="a"' in pair and 'data-side="b"' in pair
    assert "caption" in pair, "the typed edits are listed (the photo caption of 004)"
    assert client.get("/doc/999999").status_code == 404


def test_search_filter_and_pagination(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _seeds(tmp_path)
    _notes(corpus / "extra", 7, random.Random(4))
    db = tmp_path / "r.duckdb"
    scan([corpus], db, Config())
    client = _client(db)
    monkeypatch.setattr(pages, "PAGE_SIZE", 5)
    first = client.get("/").text
    assert "page 1 of 3" in first and len(_doc_ids(first)) == 5
    third = client.get("/?page=3").text
    assert len(_doc_ids(third)) == 2 and not set(_doc_ids(first)) & set(_doc_ids(third))
    by_name = client.get("/?name=004").text
    assert _paths(by_name) == [SEED_B]
    phrase = max((DATA / SEED_B).read_text(encoding="utf-8").splitlines(), key=len)[10:22]
    by_text = client.get("/", params={"text": phrase}).text
    assert SEED_B in " ".join(_paths(by_text)) and 'class="snippet"' in by_text
    shared = client.get("/?min_share=50").text
    assert set(_paths(shared)) == {SEED_A, SEED_B}
    folder = client.get("/?folder=seeds/extra").text
    assert len(_doc_ids(folder)) == 5 and "7 in all" in folder
    nothing = client.get("/?kind=none").text
    assert SEED_A not in nothing
    assert client.get("/?date_from=not-a-date").status_code == 400


def test_a_verdict_is_recorded_as_the_cli_records_it(seeds: tuple[Path, Path]) -> None:
    _, db = seeds
    client = _client(db)
    a, b = _doc_id(db, SEED_A), _doc_id(db, SEED_B)
    pair = client.get(f"/pair/{a}/{b}").text
    match_id = re.search(r'<tr id="row-(\d+)">', pair).group(1)
    form = {"token": _token(pair), "ids": match_id, "verdict": "ignored", "note": "approved",
            "next": f"/pair/{a}/{b}"}  # fmt: skip
    done = client.post("/verdict", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("recorded=1")
    after = client.get(done.headers["location"]).text
    assert "Verdict recorded on 1 match." in after and "ignored" in after
    con = confined_connection(db)
    try:
        rows = con.execute("SELECT verdict, note, reviewer FROM verdicts").fetchall()
        share = con.execute(
            "SELECT share FROM document_similarity WHERE doc_id = ?", [b]
        ).fetchone()
    finally:
        con.close()
    assert rows == [("ignored", "approved", "tester")]
    assert share == (0.0,), "an ignored match copies nothing: the shares follow the verdict"
    # Refused: another site's form (no token, or another origin), an unknown verdict.
    assert client.post("/verdict", data={**form, "token": "x"}).status_code == 403
    foreign = client.post("/verdict", data=form, headers={"origin": "http://evil.example"})
    assert foreign.status_code == 403
    assert client.post("/verdict", data={**form, "verdict": "deleted"}).status_code == 400
    bulk = {**form, "ids": f"{match_id} 999999", "verdict": "confirmed"}
    assert client.post("/verdict", data=bulk).status_code == 409, "all or none, as the CLI"


def test_the_serve_command_answers_and_stops_on_ctrl_c(seeds: tuple[Path, Path]) -> None:
    """``reuse serve`` as a user starts it: a process on a loopback port that
    answers /status and the overview, and ends cleanly on SIGINT (Ctrl-C)."""
    import http.client
    import os
    import signal
    import subprocess
    import sys

    _, db = seeds
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "reuse", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                con = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                con.request("GET", "/status")
                response = con.getresponse()
                status = (response.status, response.read())
                con.close()
                break
            except OSError:
                time.sleep(0.2)
        assert status is not None, proc.stderr.read().decode() if proc.poll() is not None else ""
        assert status[0] == 200 and b'"documents":5' in status[1].replace(b" ", b"")
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        con.request("GET", "/")
        page = con.getresponse().read().decode()
        assert SEED_A in page and SEED_B in page
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        assert b"127.0.0.1:" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_only_this_server_s_names_are_answered(seeds: tuple[Path, Path]) -> None:
    _, db = seeds
    client = TestClient(create_app(db))  # default: loopback names only
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"host": "127.0.0.1:8765"}).status_code == 200


def test_sql_page_runs_shipped_queries_and_stays_confined(seeds: tuple[Path, Path]) -> None:
    _, db = seeds
    client = _client(db)
    top = client.get("/sql?name=top_pairs").text
    assert SEED_A in top and "row" in top
    passages = client.get("/sql", params={"name": "passages", "p.min_chars": "100000"}).text
    assert 'id="sql-count">0 rows' in passages
    for sql in (
        "COPY documents TO 'x.csv'",
        "SELECT * FROM read_text('/etc/hostname')",
        "DELETE FROM matches",
        "SELECT 1; SELECT 2",
    ):
        refused = client.get("/sql", params={"sql": sql}).text
        assert 'id="sql-error"' in refused, sql
    assert not Path("x.csv").exists()


def test_templates_and_groups_pages(tmp_path: Path) -> None:
    from test_templates import CONFIG, make_stock_corpus

    make_stock_corpus(tmp_path / "c")
    db = tmp_path / "t.duckdb"
    scan([tmp_path / "c"], db, Config.load(overrides=CONFIG))
    client = _client(db)
    listing = client.get("/templates").text
    ids = re.findall(r'href="/templates/(\d+)"', listing)
    assert ids
    one = client.get(f"/templates/{ids[0]}").text
    assert "(representative)" in one and 'name="ids"' in one
    assert client.get("/templates?kind=boilerplate").status_code == 200
    groups = client.get("/groups").text
    gid = re.search(r'href="/groups/(\d+)"', groups).group(1)
    group = client.get(f"/groups/{gid}").text
    assert "(centre)" in group and "side by side" in group
    matches = client.get("/matches?kind=template").text
    assert "All " in matches and "matches of this search" in matches


def test_a_published_scan_is_shown_without_a_restart(seeds: tuple[Path, Path]) -> None:
    corpus, db = seeds
    client = _client(db)
    assert client.get("/status").json()["scan_id"] == 1
    # A reader's page in flight while the scan runs and publishes: both succeed.
    shutil.copy(DATA / SEED_A, corpus / "copy_of_000.txt")
    results: list[int] = []

    def read_while_scanning() -> None:
        for _ in range(20):
            results.append(client.get("/").status_code)
            time.sleep(0.02)

    reader = threading.Thread(target=read_while_scanning)
    reader.start()
    scan([corpus], db, Config())
    reader.join()
    assert set(results) == {200}
    state = client.get("/status").json()
    assert state["scan_id"] == 2 and state["documents"] == 6
    assert "copy_of_000.txt" in client.get("/?name=copy").text


# --- in a browser ---------------------------------------------------------------------------


def _chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed")
    executable = _chromium()
    if executable is None:
        pytest.skip("no Chromium binary (/usr/bin/chromium or chromium on PATH)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=["--headless", "--no-sandbox"])
        yield b
        b.close()


class _Server:
    """The app in uvicorn on a free loopback port, in a thread."""

    def __init__(self, db: Path) -> None:
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        config = uvicorn.Config(
            create_app(db, reviewer="browser"), host="127.0.0.1", port=self.port,
            log_level="warning",
        )  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page that may reach only the loopback server; console errors collected."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    outside: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("http://127.0.0.1:"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    pg.route("**/*", route)
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert outside == [], "the app asks for nothing outside this server"
    assert errors == []


def test_browser_search_filter_paginate_review_and_compare(
    page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _seeds(tmp_path)
    _notes(corpus / "extra", 7, random.Random(5))
    db = tmp_path / "r.duckdb"
    scan([corpus], db, Config())
    monkeypatch.setattr(pages, "PAGE_SIZE", 5)
    with _Server(db) as base:
        page.goto(base + "/")
        rows = page.locator("#documents tbody tr")
        assert rows.count() == 5
        first = [Path(t).name for t in rows.locator("a.path").evaluate_all(
            "els => els.filter(e => e.closest('td') === e.closest('tr').cells[0])"
            ".map(e => e.title)")]  # fmt: skip
        assert set(first[:2]) == {SEED_A, SEED_B}
        # Pagination.
        page.click("#next")
        assert "page 2 of 3" in page.inner_text("#pageinfo")
        # Search by name.
        page.goto(base + "/")
        page.fill("#f-name", "note_")
        page.click("#f-go")
        assert rows.count() == 5 and "page 1 of 2" in page.inner_text("#pageinfo")
        # A filter: share at least 50%.
        page.fill("#f-name", "")
        page.fill("#f-share", "50")
        page.click("#f-go")
        assert rows.count() == 2
        # Side by side: clicking a passage in A brings B's counterpart into view.
        page.click("#documents tbody tr:first-child td:first-child a")
        page.click("#sources tbody a")
        box_b = page.locator('.box[data-side="b"]')
        box_b.evaluate("b => b.scrollTop = b.scrollHeight")
        mark_a = page.locator('.box[data-side="a"] mark.reuse[id]').first
        mark_id = mark_a.get_attribute("data-match")
        mark_a.dispatch_event("click")  # an inline mark over many lines has no single centre
        assert page.locator(f'mark.active[data-match="{mark_id}"]').count() >= 2
        visible = page.evaluate(
            """id => { const m = document.getElementById('m' + id + '-b');
                       const b = m.closest('.box').getBoundingClientRect();
                       const r = m.getBoundingClientRect();
                       return r.bottom > b.top && r.top < b.bottom; }""",
            mark_id,
        )
        assert visible, "the counterpart in B is scrolled into its box"
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "serve_seeds_pair.png"))
        # A verdict: ignore every match of the pair.
        page.fill("form.verdict:not(.compact) input[name=note]", "an approved press copy")
        page.click("form.verdict:not(.compact) button[value=ignored]")
        assert "Verdict recorded" in page.inner_text("#recorded")
        assert "ignored" in page.inner_text("#passages")
    con = confined_connection(db)
    try:
        verdicts = con.execute("SELECT verdict, note, reviewer FROM current_verdicts").fetchall()
    finally:
        con.close()
    assert verdicts and set(verdicts) == {("ignored", "an approved press copy", "browser")}


@pytest.mark.corpus
def test_browser_screenshots_of_gov_reports(page: Any, tmp_path: Path) -> None:
    """Screenshots of the overview, a document report and a pair view of gov_reports
    (tests/output/serve_gov_*.png), for a reviewer to look at."""
    root = CORPORA / "gov_reports"
    if not root.is_dir():
        pytest.skip("../shared/corpora/gov_reports is absent")
    db = tmp_path / "gov.duckdb"
    scan([root], db, Config())
    OUTPUT.mkdir(exist_ok=True)
    with _Server(db) as base:
        page.goto(base + "/")
        page.screenshot(path=str(OUTPUT / "serve_gov_overview.png"))
        top = page.locator("#documents tbody tr:first-child td:first-child a.path")
        assert "npc_resolutions" in top.get_attribute("title")
        top.click()
        assert page.inner_text("#share").endswith("%")
        page.screenshot(path=str(OUTPUT / "serve_gov_document.png"))
        page.click("#sources tbody a")
        assert page.locator(".box mark.reuse").count() >= 2
        page.screenshot(path=str(OUTPUT / "serve_gov_pair.png"))
