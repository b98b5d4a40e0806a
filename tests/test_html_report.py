"""The HTML report: escaping, nesting and offsets, then the page in headless Chromium.

The browser tests need Python playwright and a Chromium binary (``/usr/bin/chromium``
or ``chromium`` on PATH); without them they are skipped. The browser is
launched once per module; every page runs with the network blocked (only
``file://`` requests pass). A screenshot of the sample corpus's report is
written to ``tests/output/html_report_seeds.png``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import DATA, SEED_A, SEED_B
from typer.testing import CliRunner

from reuse import Config, scan
from reuse.cli import app
from reuse.html_report import COLOURS, CSP, SCRIPT, render_html, script_hash
from reuse.report import html_data

OUTPUT = Path(__file__).parent / "output"
VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source"}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
XSS = [
    "<script>window.__xss = 1</script>",
    '<img src=x onerror="window.__xss=2">',
    '"><svg onload="window.__xss=3">',
]


# --- helpers -------------------------------------------------------------------------------


class _Tree(HTMLParser):
    """Checks that tags balance and collects the text inside each mark element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.errors: list[str] = []
        self.marks: list[dict[str, Any]] = []  # {"attrs", "text"} in document order
        self.scripts = 0
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "script":
            self.scripts += 1
        if tag in VOID:
            return
        if tag == "mark":
            if any(t == "mark" for t, _ in self.stack):
                self.errors.append("nested mark")
            self.marks.append({"attrs": dict(attrs), "text": ""})
        self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else None}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if any(t == "mark" for t, _ in self.stack):
            self.marks[-1]["text"] += data


def _parse(page: str) -> _Tree:
    tree = _Tree()
    tree.feed(page)
    tree.close()
    assert not tree.errors, tree.errors
    assert not tree.stack, f"unclosed: {[t for t, _ in tree.stack]}"
    return tree


def _mark_text(tree: _Tree, match_id: int, side: str) -> str:
    """All text of one passage's marks on one side (fragments joined)."""
    return "".join(
        m["text"]
        for m in tree.marks
        if m["attrs"].get("data-match") == str(match_id) and m["attrs"].get("data-side") == side
    )


def _pair_data(text_a: str, text_b: str, matches: list[dict[str, Any]], **extra: Any) -> dict:
    return {
        "title": "test",
        "generated": "2024-01-01T00:00:00",
        "database": "test.duckdb",
        "overview": [],
        "pairs": [
            {
                "doc_a": {"doc_id": 1, "path": "a.txt", "text": text_a, "share": 0.5},
                "doc_b": {"doc_id": 2, "path": "b.txt", "text": text_b, "share": 0.5},
                "matches": matches,
            }
        ],
        **extra,
    }


def _match(match_id: int, a: tuple[int, int], b: tuple[int, int], diff=None, kind="reuse"):
    return {
        "match_id": match_id,
        "kind": kind,
        "a_start": a[0],
        "a_end": a[1],
        "b_start": b[0],
        "b_end": b[1],
        "similarity": 0.9,
        "edit_distance": 3,
        "diff": diff if diff is not None else [["equal", a[0], a[1], b[0], b[1]]],
    }


def _cli_report(db: Path, out: Path, *args: str) -> Path:
    """Write the HTML report as a user does: ``reuse report --format html -o FILE``."""
    result = CliRunner().invoke(
        app, ["report", "--db", str(db), "--format", "html", "-o", str(out), *args]
    )
    assert result.exit_code == 0, result.output
    return out


# --- unit tests ----------------------------------------------------------------------------


def test_escaping_everywhere() -> None:
    evil = '<script>alert("x")</script> & "quoted" \'single\''
    text = f"前言{evil}正文正文正文"
    data = _pair_data(text, text, [_match(1, (0, len(text)), (0, len(text)))])
    data["title"] = evil
    data["database"] = evil
    data["pairs"][0]["doc_a"]["path"] = evil
    data["overview"] = [
        {
            "doc_id": 1,
            "path": evil,
            "n_chars": len(text),
            "share": 1.0,
            "share_excluding": 1.0,
            "largest_source": evil,
            "largest_source_share": 1.0,
            "n_sources": 1,
            "suppressed": 0,
        }
    ]
    page = render_html(data)
    assert "<script>alert" not in page
    assert '"quoted"' not in page and "'single'" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quoted&quot;" in page
    tree = _parse(page)
    assert tree.scripts == 1
    assert _mark_text(tree, 1, "a") == text  # the parser unescapes: the text is intact


def test_csp_allows_only_the_inline_script() -> None:
    page = render_html(_pair_data("x", "x", []))
    (script,) = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    assert script == SCRIPT
    assert f"script-src {script_hash(script)};" in CSP
    assert "default-src 'none'" in CSP and "style-src 'unsafe-inline'" in CSP
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert meta and meta.group(1).replace("&#x27;", "'") == CSP
    assert "http://" not in page and "https://" not in page and "src=" not in page


def test_overlapping_matches_nest_and_keep_offsets() -> None:
    a = "0123456789abcdefghij"
    b = "ABCDEFGHIJ0123456789abcdefghij"
    matches = [
        # 2 covers a[2:12], 1 covers a[8:16]: they overlap on a[8:12]; 3 sits inside 2.
        _match(
            2,
            (2, 12),
            (12, 22),
            [["equal", 2, 5, 12, 15], ["replace", 5, 7, 15, 17], ["equal", 7, 12, 17, 22]],
        ),
        _match(
            1,
            (8, 16),
            (18, 26),
            [["equal", 8, 10, 18, 20], ["delete", 10, 11, 20, 20], ["equal", 11, 16, 20, 26]],
        ),
        _match(3, (3, 5), (13, 15), kind="boilerplate"),
    ]
    page = render_html(_pair_data(a, b, matches))
    tree = _parse(page)
    # The overlap belongs to match 1 (lowest id), so 2 keeps only a[2:8] ...
    assert _mark_text(tree, 1, "a") == a[8:16]
    assert _mark_text(tree, 2, "a") == a[2:8]
    assert _mark_text(tree, 3, "a") == ""  # entirely inside 2's span, owned by 2
    assert _mark_text(tree, 1, "b") == b[18:26]
    assert _mark_text(tree, 2, "b") == b[12:18]
    # ... and its marks say which passages cover them.
    covers = {m["attrs"].get("data-covers") for m in tree.marks if m["attrs"].get("data-covers")}
    assert covers >= {"1 2", "2 3"}
    ids = [m["attrs"]["id"] for m in tree.marks if "id" in m["attrs"]]
    assert len(ids) == len(set(ids)) and {"m1-a", "m2-a", "m1-b", "m2-b"} <= set(ids)
    assert '<span class="del" title="B: 56">56</span>' in page
    assert '<span class="del" title="not in B">a</span>' in page
    assert re.search(r'<span class="ins" title="A: 56">56</span>', page)
    # The whole text is there, once, in order.
    text_a = re.search(r'data-side="a" lang="zh" tabindex="0">(.*?)</div>', page, flags=re.S).group(
        1
    )
    assert re.sub(r"<[^>]+>", "", text_a) == a


def test_exact_offsets_and_astral_characters() -> None:
    a, b, m = _astral_pair()
    # Offsets are code points: a[1] is "𠮷", a[6:8] the doubled "𠮷𠮷".
    assert a[1] == "𠮷" and a[6:8] == "𠮷𠮷"
    tree = _parse(render_html(_pair_data(a, b, [m])))
    assert _mark_text(tree, 9, "a") == a[1:14]
    assert _mark_text(tree, 9, "b") == b[1:13]
    page = render_html(_pair_data(a, b, [m]))
    assert '<span class="del" title="B: X">丁</span>' in page
    assert '<span class="ins" title="A: 丁">X</span>' in page
    assert '<span class="gap" title="B has: \r"></span>' not in page  # delete: gap only in B
    assert '<span class="gap" title="A has: \r"></span>' in page
    assert '<span class="del" title="not in B">&#13;</span>' in page  # CR kept as a reference


def _astral_pair() -> tuple[str, str, dict[str, Any]]:
    a = "甲𠮷乙\n丙丁𠮷𠮷戊己庚\r\n辛"
    b = "前𠮷乙\n丙X𠮷𠮷戊己庚\n辛后"
    diff = [
        ["equal", 1, 5, 1, 5],
        ["replace", 5, 6, 5, 6],
        ["equal", 6, 11, 6, 11],
        ["delete", 11, 12, 11, 11],
        ["equal", 12, 14, 11, 13],
    ]
    return a, b, _match(9, (1, 14), (1, 13), diff)


def test_insert_at_passage_end_and_unknown_kind() -> None:
    a, b = "abcdef", "abcdefXY"
    m = _match(4, (0, 6), (0, 8), [["equal", 0, 6, 0, 6], ["insert", 6, 6, 6, 8]], kind="odd")
    page = render_html(_pair_data(a, b, [m]))
    tree = _parse(page)
    assert _mark_text(tree, 4, "a") == a and _mark_text(tree, 4, "b") == b
    assert '<span class="gap" title="B has: XY"></span></mark>' in page
    assert '<mark class="reuse" data-match="4"' in page  # unknown kinds look like reuse


def test_side_kinds_override_kind() -> None:
    m = {**_match(1, (0, 3), (0, 3)), "side_kind_a": "reuse", "side_kind_b": "quotation"}
    page = render_html(_pair_data("abc", "abc", [m]))
    assert '<mark class="reuse" data-match="1" data-side="a"' in page
    assert '<mark class="quotation" data-match="1" data-side="b"' in page


def test_overview_sorted_and_linked() -> None:
    data = _pair_data("x", "x", [])
    rows = [("low.txt", 0.1, 1), ("high.txt", 0.9, 2), ("mid.txt", 0.5, 7)]
    data["overview"] = [
        {
            "doc_id": doc_id,
            "path": path,
            "n_chars": 10,
            "share": share,
            "share_excluding": share / 2,
            "largest_source": None,
            "largest_source_share": 0.0,
            "n_sources": 0,
            "suppressed": 0,
        }
        for path, share, doc_id in rows
    ]
    page = render_html(data)
    order = re.findall(r'<td class="path" title="10 characters">(?:<a href="[^"]*">)?([^<]*)', page)
    assert order == ["high.txt", "mid.txt", "low.txt"]
    assert '<a href="#pair-1">high.txt</a>' in page  # doc 2 is in pair 1
    assert ">mid.txt<" in page and 'href="#pair-1">mid.txt' not in page


def test_no_pairs() -> None:
    page = render_html({"title": "t", "generated": "", "database": "", "overview": []})
    _parse(page)
    assert "No reused passages found." in page


# --- the page in Chromium ------------------------------------------------------------------


def _chromium() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


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
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page with every non-file request aborted; console errors collected."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    blocked: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    pg.route("**/*", route)
    pg.errors = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: m.type == "error" and pg.errors.append(m.text))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    assert not blocked, f"the page tried the network: {blocked}"
    context.close()


@pytest.fixture(scope="module")
def seeds_html(seeds_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _cli_report(seeds_db, tmp_path_factory.mktemp("html") / "report.html")


def _open(page: Any, path: Path) -> None:
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")


def _seed_pair(page: Any) -> str:
    """The selector of the 000/004 pair section."""
    sections = page.evaluate(
        """() => Array.from(document.querySelectorAll('section.pair')).map(
            s => [s.id, s.querySelector('h2').textContent])"""
    )
    found = [sid for sid, head in sections if SEED_A in head and SEED_B in head]
    assert found, f"no 000/004 pair section among {sections}"
    return f"#{found[0]}"


def test_seed_pair_marks_and_differences(page: Any, seeds_html: Path) -> None:
    _open(page, seeds_html)
    sel = _seed_pair(page)
    stats = page.evaluate(
        """(sel) => {
          const s = document.querySelector(sel);
          const text = side => Array.from(s.querySelectorAll(
              `.box[data-side=${side}] mark[data-side=${side}]`)).map(m => m.textContent);
          return {a: text('a'), b: text('b'),
                  del: s.querySelectorAll('.box[data-side=a] span.del').length,
                  ins: s.querySelectorAll('.box[data-side=b] span.ins').length,
                  scripts: document.scripts.length};
        }""",
        sel,
    )
    assert stats["a"] and all(stats["a"]) and sum(map(len, stats["a"])) > 1000
    assert stats["b"] and all(stats["b"]) and sum(map(len, stats["b"])) > 1000
    assert stats["del"] > 0 and stats["ins"] > 0
    assert stats["scripts"] == 1
    assert not page.errors, page.errors  # e.g. a CSP refusal of our own script


def test_click_scrolls_counterpart(page: Any, seeds_html: Path) -> None:
    _open(page, seeds_html)
    sel = _seed_pair(page)
    mark_a = page.locator(f"{sel} .box[data-side=a] mark[id$='-a']").first
    match_id = mark_a.get_attribute("data-match")
    before = page.evaluate(
        """(sel) => {
          const box = document.querySelector(sel + ' .box[data-side=b]');
          box.scrollTop = box.scrollHeight;
          return [box.scrollTop, box.scrollHeight > box.clientHeight];
        }""",
        sel,
    )
    assert before[0] > 0 and before[1], "the B box must be scrollable for this test"
    mark_a.click()
    after = page.evaluate(
        """([sel, id]) => {
          const s = document.querySelector(sel);
          const box = s.querySelector('.box[data-side=b]');
          const b = document.getElementById('m' + id + '-b');
          const r = b.getBoundingClientRect(), rb = box.getBoundingClientRect();
          return {top: box.scrollTop, active: b.classList.contains('active'),
                  activeA: document.getElementById('m' + id + '-a').classList.contains('active'),
                  visible: r.bottom > rb.top && r.top < rb.bottom,
                  nActive: document.querySelectorAll('mark.active').length};
        }""",
        [sel, match_id],
    )
    assert after["active"] and after["activeA"]
    assert after["top"] != before[0]
    assert after["visible"]
    # The passage list scrolls A to the passage's start without leaving the page.
    page.evaluate(
        "(sel) => { document.querySelector(sel + ' .box[data-side=a]').scrollTop = 1e6 }", sel
    )
    page.click(f"{sel} a[data-goto='{match_id}']")
    top_a = page.evaluate(
        "(sel) => document.querySelector(sel + ' .box[data-side=a]').scrollTop", sel
    )
    assert top_a < 100 and page.evaluate("location.hash") == ""
    assert not page.errors, page.errors


def test_dom_text_is_the_original_text(page: Any, tmp_path: Path) -> None:
    """In the browser too, each box holds exactly the document (astral characters, CR LF)."""
    a, b, m = _astral_pair()
    out = tmp_path / "astral.html"
    out.write_text(render_html(_pair_data(a, b, [m])), encoding="utf-8")
    _open(page, out)
    got = page.evaluate(
        """() => ['a', 'b'].map(side => [
            document.querySelector(`.box[data-side=${side}]`).textContent,
            document.getElementById('m9-' + side).textContent])"""
    )
    assert got == [[a, a[1:14]], [b, b[1:13]]]


def test_overview_sorts_on_header_click(page: Any, seeds_html: Path) -> None:
    _open(page, seeds_html)
    order = """(col) => Array.from(document.querySelectorAll('#overview tbody tr')).map(
        r => r.cells[col].textContent)"""
    share = """() => Array.from(document.querySelectorAll('#overview tbody tr')).map(
        r => parseFloat(r.cells[1].dataset.value))"""
    shares = page.evaluate(share)
    assert shares == sorted(shares, reverse=True)  # default: share, largest first
    paths = page.evaluate(order, 0)
    page.click("#overview th:nth-child(1)")
    assert page.evaluate(order, 0) == sorted(paths)
    page.click("#overview th:nth-child(1)")
    assert page.evaluate(order, 0) == sorted(paths, reverse=True)
    page.click("#overview th:nth-child(2)")  # numbers: largest first, then toggles
    assert page.evaluate(share) == sorted(shares, reverse=True)
    page.click("#overview th:nth-child(2)")
    assert page.evaluate(share) == sorted(shares)
    assert page.get_attribute("#overview th:nth-child(2)", "aria-sort") == "ascending"
    # The first path links to its pair section.
    href = page.get_attribute(f"#overview a[href^='#pair-']:text('{SEED_A}')", "href")
    assert href and page.locator(href).count() == 1


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def test_screenshot_shows_highlights(page: Any, seeds_html: Path) -> None:
    from PIL import Image

    _open(page, seeds_html)
    sel = _seed_pair(page)
    page.locator(f"{sel} .cols").scroll_into_view_if_needed()
    OUTPUT.mkdir(exist_ok=True)
    shot = OUTPUT / "html_report_seeds.png"
    page.screenshot(path=str(shot))
    image = Image.open(shot).convert("RGB")
    counts = dict.fromkeys(("reuse", "del", "ins"), 0)
    targets = {k: _hex(COLOURS[k]) for k in counts}
    for n, pixel in image.getcolors(maxcolors=1 << 24):
        for kind, rgb in targets.items():
            if all(abs(c - t) <= 6 for c, t in zip(pixel, rgb)):
                counts[kind] += n
    total = image.width * image.height
    assert counts["reuse"] > total * 0.05, counts
    assert counts["del"] > 100 and counts["ins"] > 100, counts


@pytest.fixture(scope="module")
def xss_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two documents sharing a long passage, with injection attempts inside and outside it."""
    root = tmp_path_factory.mktemp("xss")
    speech = (DATA / SEED_A).read_text(encoding="utf-8")
    paragraph = max(speech.splitlines(), key=len)
    assert len(paragraph) >= 300
    cut = len(paragraph) // 2
    shared = paragraph[:cut] + XSS[0] + paragraph[cut:] + XSS[1] + XSS[2]
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(f"甲方报告{XSS[2]}开头。\n{shared}\n结尾{XSS[0]}。\n", "utf-8")
    (corpus / f"b{XSS[1]}.txt").write_text(
        f"乙方文件{XSS[1]}开始。\n{shared}\n另外{XSS[2]}完。\n", "utf-8"
    )
    db = root / "x.duckdb"
    scan([corpus], db, Config())
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert html_data(con)["pairs"], "the shared passage was not found"
    finally:
        con.close()
    # The document named in --doc (a file name with markup in it) is in the page title.
    return _cli_report(db, root / "xss.html", "--doc", str(corpus / f"b{XSS[1]}.txt"))


def test_injected_markup_is_inert_text(page: Any, xss_html: Path) -> None:
    _open(page, xss_html)
    result = page.evaluate(
        """() => ({xss: typeof window.__xss, scripts: document.scripts.length,
                   img: document.querySelectorAll('img, svg').length,
                   text: document.body.innerText,
                   marked: Array.from(document.querySelectorAll('mark[data-side=a]'))
                       .map(m => m.textContent).join('')})"""
    )
    assert result["xss"] == "undefined"
    assert result["scripts"] == 1
    assert result["img"] == 0
    assert "<script>" in result["text"] and "<img src=x" in result["text"]
    assert XSS[0] in result["marked"]  # the injection inside the passage is highlighted text
    assert XSS[1] in page.title()


def test_csp_blocks_an_injected_script(page: Any, xss_html: Path, tmp_path: Path) -> None:
    """Even markup that got past the escaping could not run: the CSP allows only our script."""
    tampered = tmp_path / "tampered.html"
    tampered.write_text(
        xss_html.read_text(encoding="utf-8").replace(
            "<body>", "<body><script>window.__xss = 9</script>", 1
        ),
        encoding="utf-8",
    )
    _open(page, tampered)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.evaluate("document.scripts.length") == 2
    page.errors.clear()  # the refusal is logged as a console error
    # Our own script still runs: a header click sorts.
    page.click("#overview th:nth-child(1)")
    assert page.get_attribute("#overview th:nth-child(1)", "aria-sort") == "ascending"
