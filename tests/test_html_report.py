"""The HTML report: escaping, nesting and offsets, then the page in headless Chromium.

The browser tests need Python playwright and a Chromium binary (``/usr/bin/chromium``
or ``chromium`` on PATH); without them they are skipped. The browser is
launched once per module; every page runs with the network blocked (only
``file://`` requests pass). Screenshots go to ``tests/output/``: the sample
corpus's one-file report (``html_report_seeds.png``), a report folder's index
(``html_index.png``, filtered: ``html_index_filtered.png``) and a pair page's
typed edits (``html_pair_edits.png``).

The report as a folder (``write_html_report`` with a path that does not end in
.html) is tested on a small corpus in sub-folders with a long file name and
markup in a file name and in the texts; ``test_gov_reports_folder_in_seconds``
(marked ``corpus``) writes every pair of the real gov_reports corpus.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import CORPORA, DATA, SEED_A, SEED_B
from typer.testing import CliRunner

from reuse import Config, scan
from reuse.cli import app
from reuse.errors import OutputError
from reuse.report.html.assets import COLOURS, CSP, SCRIPT, STYLE, script_hash
from reuse.report.html.data import html_data
from reuse.report.html.pages import pair_page_names, render_html
from reuse.report.html.write import is_folder_output, write_html_report
from reuse.report.pairs import pair_report
from reuse.store.snapshot import connect_reader

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
    overview = page[page.index('id="overview"') : page.index('id="pairs"')]
    order = re.findall(r'<tr data-path="([^"]*)">', overview)
    assert order == ["high.txt", "mid.txt", "low.txt"]
    # doc 2 is in pair 1: its path links to the pair's section; mid.txt is in no pair.
    assert '<a class="p" href="#pair-1" title="high.txt">high.txt</a>' in overview
    assert '<span class="p" title="mid.txt">mid.txt</span>' in overview


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


# --- the report as a folder: index and pair pages ------------------------------------------

LONG_NAME = "2022_乙县_关于进一步加强和改进新时代基层治理工作的实施意见与说明材料汇编.txt"


@pytest.fixture(scope="module")
def folder_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus in folders: five reports sharing paragraphs of the seed speech (one with a
    long name, one named with markup), and the seed speech and its news republication."""
    root = tmp_path_factory.mktemp("folders")
    speech = (DATA / SEED_A).read_text(encoding="utf-8")
    paras = sorted((p for p in speech.splitlines() if len(p) >= 150), key=len, reverse=True)
    assert len(paras) >= 4
    docs = {
        "north/2021_甲市_工作报告.txt": [0, 1],
        "north/2022_甲市_工作报告.txt": [0, 2],
        f"south/{LONG_NAME}": [1, 2],
        "south/2023_乙县_工作报告.txt": [3],
        f"south/other/2023{XSS[1]}.txt": [3, 0],
    }
    corpus = root / "reports"
    for name, picks in docs.items():
        body = "\n".join(f"第{i}段。{XSS[0]}\n{paras[i]}" for i in picks)
        path = corpus / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{Path(name).stem}\n{body}\n完。\n", encoding="utf-8")
    (corpus / "news").mkdir()
    for name in (SEED_A, SEED_B):
        shutil.copy(DATA / name, corpus / "news" / name)
    db = root / "f.duckdb"
    scan([corpus], db, Config())
    return db


def _write(db: Path, out: Path, **kw: Any) -> Any:
    """``write_html_report`` on a read-only connection, as the CLI calls it."""
    con = connect_reader(db)
    try:
        return write_html_report(con, out, kw.pop("doc", None), kw.pop("limit", None), **kw)
    finally:
        con.close()


@pytest.fixture(scope="module")
def folder_report(folder_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _write(folder_db, tmp_path_factory.mktemp("out") / "report")


def test_folder_has_an_index_and_a_page_per_pair(folder_report: Any) -> None:
    r = folder_report
    assert r.folder and r.left_out == 0 and r.pairs_shown == r.pairs_total >= 6
    pages = sorted((r.output / "pairs").iterdir())
    assert [p.name for p in pages] == pair_page_names(r.pairs_total)
    assert r.files == len(pages) + 1 and r.index == r.output / "index.html"
    assert r.bytes == sum(p.stat().st_size for p in [*pages, r.index])
    assert f"with {r.pairs_total} of {r.pairs_total} document pairs" in r.summary()
    escaped = 0
    for path in [r.index, *pages]:
        text = path.read_text(encoding="utf-8")
        tree = _parse(text)
        assert tree.scripts == 1 and re.findall(r"<script>(.*?)</script>", text, re.S) == [SCRIPT]
        assert f'content="{html.escape(CSP)}"' in text
        assert "http://" not in text and "https://" not in text
        assert not {"img", "svg", "iframe", "link"} & set(tree.tags)
        assert "<script>window" not in text
        escaped += "&lt;script&gt;window" in text
    assert escaped >= 5  # the documents' markup, as text
    index = r.index.read_text(encoding="utf-8")
    hrefs = re.findall(r'<td class="num" data-value="\d+"><a href="([^"]+)">', index)
    assert hrefs == [f"pairs/{p.name}" for p in pages]  # the pair list, in rank order


def test_index_ranks_pairs_by_copied_characters(folder_db: Path, folder_report: Any) -> None:
    con = connect_reader(folder_db)
    try:
        expected = [
            (p["doc_a"]["path"], p["doc_b"]["path"])
            for p in pair_report(con, with_text=False)["pairs"]
        ]
    finally:
        con.close()
    index = folder_report.index.read_text(encoding="utf-8")
    rows = re.findall(r'<tr data-path="([^"]*) ↔ ([^"]*)">', index)
    assert [(html.unescape(a), html.unescape(b)) for a, b in rows] == expected
    copied = [
        float(v)
        for v in re.findall(
            r'</td><td class="num" data-value="([\d.]+)">[\d,]+</td>'
            r'<td class="num" data-value="[\d.e-]+">[\d.]+ %</td>'
            r'<td class="num" data-value="[\d.e-]+">[\d.]+ %</td>',
            index,
        )
    ]
    assert copied == sorted(copied, reverse=True) and len(copied) == len(rows)


def test_paths_are_relative_short_and_whole_in_titles(folder_report: Any) -> None:
    index = folder_report.index.read_text(encoding="utf-8")
    assert "paths relative to <code>reports/</code>" in index
    full = f"reports/south/{LONG_NAME}"
    assert f'title="{full}"' in index  # the whole path, in the title
    shown = re.findall(
        rf'title="{re.escape(full)}"><span class="dir">([^<]*)</span>([^<]*)<', index
    )
    assert len(shown) >= 2 and {folder for folder, _ in shown} == {"south/"}
    name = shown[0][1]
    assert "…" in name and name.endswith("汇编.txt") and name.startswith("2022_乙县")
    assert "td.path { white-space: nowrap;" in STYLE and "break-all" not in STYLE


def test_output_rule_and_refusals(folder_db: Path, tmp_path: Path) -> None:
    assert not is_folder_output(tmp_path / "x.html") and not is_folder_output("X.HTM")
    assert is_folder_output(tmp_path / "x") and is_folder_output("x/")
    # A folder that exists and is not empty: refused without --force ...
    out = tmp_path / "rep"
    (out / "pairs").mkdir(parents=True)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "pairs" / "0099.html").write_text("old page", encoding="utf-8")
    with pytest.raises(OutputError, match="not empty; use --force"):
        _write(folder_db, out)
    assert not (out / "index.html").exists()
    # ... with --force the report is written into it, old pair pages removed, the rest kept.
    r = _write(folder_db, out, force=True)
    assert (out / "index.html").exists() and (out / "notes.txt").read_text() == "mine"
    assert not (out / "pairs" / "0099.html").exists() and r.files == r.pairs_total + 1
    # An empty folder needs no --force; nothing is left behind beside the new folder.
    (tmp_path / "empty").mkdir()
    assert _write(folder_db, tmp_path / "empty").files > 1
    assert not list(tmp_path.glob(".*.partial"))
    # A file is not a folder; the database is never written over.
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        _write(folder_db, tmp_path / "plain", force=True)
    with pytest.raises(OutputError, match="is the database"):
        _write(folder_db, folder_db, force=True)
    # One file: an existing one only with --force; a missing folder is a message.
    (tmp_path / "one.html").write_text("keep", encoding="utf-8")
    with pytest.raises(OutputError, match="exists; use --force"):
        _write(folder_db, tmp_path / "one.html")
    assert (tmp_path / "one.html").read_text() == "keep"
    with pytest.raises(OutputError, match="create it first"):
        _write(folder_db, tmp_path / "missing" / "rep")


def test_single_file_says_what_it_leaves_out(folder_db: Path, tmp_path: Path) -> None:
    r = _write(folder_db, tmp_path / "one.html", limit=2)
    assert not r.folder and r.files == 1 and r.pairs_shown == 2 and r.left_out > 0
    text = (tmp_path / "one.html").read_text(encoding="utf-8")
    assert f"Showing <b>2</b> of <b>{r.pairs_total}</b> document pairs" in text
    assert f"--db {folder_db}" in r.command and f"-o {tmp_path / 'one'}/" in r.command
    assert html.escape(r.command) in text and "left out" in r.summary()
    assert text.count('<section class="pair"') == 2
    # All pairs shown (--limit 0): no notice.
    full = _write(folder_db, tmp_path / "all.html", limit=0)
    assert full.left_out == 0 and full.pairs_shown == r.pairs_total
    assert 'id="left-out"' not in (tmp_path / "all.html").read_text()
    # The filters narrow the pairs and are repeated in the command for all.
    some = _write(folder_db, tmp_path / "some.html", limit=1, min_share=0.3)
    assert 1 < some.pairs_total < full.pairs_total
    assert some.command.endswith("--min-share 0.3")


def test_edits_table_is_escaped() -> None:
    data = _pair_data("<a>甲乙丙", "<b>甲乙丁", [_match(1, (0, 6), (0, 6))])
    data["pairs"][0]["edits"] = [
        {
            "match_id": 1,
            "edit_no": 0,
            "op": "substitute",
            "old_text": "<a>",
            "new_text": "<b>",
            "category": "<i>other</i>",
        },
        {
            "match_id": 1,
            "edit_no": 1,
            "op": "substitute",
            "old_text": "丙",
            "new_text": "丁",
            "category": "other",
        },
    ]
    page = render_html(data)
    tree = _parse(page)
    assert "i" not in tree.tags and "b" not in tree.tags
    assert '<td class="etext" lang="zh">&lt;a&gt;</td>' in page
    assert "&lt;i&gt;other&lt;/i&gt;" in page and "Typed edits: 2 in 1 passage" in page


# --- the folder in Chromium ----------------------------------------------------------------


def _visible_pairs(page: Any) -> list[str]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#pairs tbody tr'))
            .filter(r => !r.hidden).map(r => r.dataset.path)"""
    )


def test_index_filter_narrows_rows(page: Any, folder_report: Any) -> None:
    _open(page, folder_report.index)
    every = _visible_pairs(page)
    assert len(every) == folder_report.pairs_total
    page.fill("#filter", "north")
    north = _visible_pairs(page)
    assert north and len(north) < len(every) and all("north" in p for p in north)
    assert page.text_content("[data-count=pairs]") == f"{len(north)} of {len(every)} pairs"
    docs = page.evaluate(
        """() => Array.from(document.querySelectorAll('#overview tbody tr'))
            .filter(r => !r.hidden).map(r => r.dataset.path)"""
    )
    assert docs and all("north" in d for d in docs)
    page.fill("#filter", "NORTH 2022")  # every word, any case
    both = _visible_pairs(page)
    assert both and all("north" in p and "2022" in p for p in both) and len(both) < len(north)
    page.fill("#filter", "")
    assert len(_visible_pairs(page)) == len(every)
    # A document's pair count fills the filter with its path.
    page.click("#overview tbody tr:first-child td:nth-child(9) a")
    first_doc = page.get_attribute("#overview tbody tr:first-child", "data-path")
    assert page.input_value("#filter") == first_doc
    assert all(first_doc in p for p in _visible_pairs(page))
    # The pair list sorts by a column too.
    page.fill("#filter", "")
    page.click("#pairs th:nth-child(1)")
    ranks = page.evaluate(
        """() => Array.from(document.querySelectorAll('#pairs tbody tr')).map(
            r => r.cells[0].textContent)"""
    )
    assert ranks == [str(i) for i in range(len(every), 0, -1)]
    OUTPUT.mkdir(exist_ok=True)
    page.fill("#filter", "south")
    page.screenshot(path=str(OUTPUT / "html_index_filtered.png"))
    assert not page.errors, page.errors


def test_index_link_opens_a_pair_page(page: Any, folder_report: Any) -> None:
    _open(page, folder_report.index)
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "html_index.png"))
    page.click("#pairs tbody tr:nth-child(2) td:nth-child(2) a")
    page.wait_for_load_state("load")
    assert page.url.endswith("/pairs/0002.html")
    assert page.locator("section.pair#pair-2 .box[data-side=a] mark").count() > 0
    assert page.locator("section.pair#pair-2 .box[data-side=b] mark").count() > 0
    page.click("a[rel=next]")
    page.wait_for_load_state("load")
    assert page.url.endswith("/pairs/0003.html")
    page.click("#back")
    page.wait_for_load_state("load")
    assert page.url.endswith("/index.html") and page.locator("#pairs").count() == 1
    assert not page.errors, page.errors


def test_left_out_notice_in_the_browser(page: Any, folder_db: Path, tmp_path: Path) -> None:
    r = _write(folder_db, tmp_path / "few.html", limit=2)
    _open(page, tmp_path / "few.html")
    notice = page.locator("#left-out")
    assert notice.is_visible()
    assert f"Showing 2 of {r.pairs_total} document pairs" in notice.inner_text()
    assert "-o" in notice.inner_text() and page.locator("section.pair").count() == 2
    # The pair list links to the sections on the same page.
    page.click("#pairs tbody tr:nth-child(2) td:nth-child(1) a")
    assert page.evaluate("location.hash") == "#pair-2"
    assert not page.errors, page.errors


def test_pair_page_shows_edits(page: Any, folder_report: Any) -> None:
    index = folder_report.index.read_text(encoding="utf-8")
    found = [
        href
        for path, href in re.findall(
            r'<tr data-path="([^"]*)"><td class="num" data-value="\d+"><a href="([^"]+)">', index
        )
        if SEED_A in path and SEED_B in path
    ]
    assert found, "no 000/004 pair in the index"
    _open(page, folder_report.output / found[0])
    rows = page.locator("details.edits[open] table.edits tbody tr")
    assert rows.count() >= 5
    cells = page.evaluate(
        """() => Array.from(document.querySelectorAll('table.edits tbody tr')).map(
            r => Array.from(r.cells).map(c => c.textContent))"""
    )
    assert {c[2] for c in cells} <= {"substitute", "insert", "delete"}
    assert any(c[3] or c[4] for c in cells) and all(c[5] for c in cells)
    # A passage number in the edits table scrolls box A to the passage.
    page.evaluate("() => { document.querySelector('.box[data-side=a]').scrollTop = 1e6 }")
    link = page.locator("table.edits tbody tr:first-child a[data-goto]")
    match_id = link.get_attribute("data-goto")
    link.click()
    assert page.evaluate("document.querySelector('.box[data-side=a]').scrollTop") < 1e5
    assert page.evaluate(f"document.getElementById('m{match_id}-a').classList.contains('active')")
    page.locator("details.edits").scroll_into_view_if_needed()
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "html_pair_edits.png"))
    assert not page.errors, page.errors


def test_folder_pages_keep_markup_inert(page: Any, folder_report: Any) -> None:
    for target in [folder_report.index, *sorted((folder_report.output / "pairs").iterdir())]:
        _open(page, target)
        got = page.evaluate(
            """() => ({xss: typeof window.__xss, scripts: document.scripts.length,
                       img: document.querySelectorAll('img, svg').length})"""
        )
        assert got == {"xss": "undefined", "scripts": 1, "img": 0}, target
    assert not page.errors, page.errors


# --- the real corpus -----------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.skipif(not (CORPORA / "gov_reports").exists(), reason="needs ../shared/corpora")
def test_gov_reports_folder_in_seconds(tmp_path: Path) -> None:
    """Every pair of gov_reports (118 reports) as a folder: seconds, not minutes."""
    db = tmp_path / "gov.duckdb"
    scan([CORPORA / "gov_reports"], db, Config())
    r = _write(db, tmp_path / "gov")
    assert r.left_out == 0 and r.pairs_total > 100 and r.files == r.pairs_total + 1
    assert r.seconds < 30, r.summary()
    index = r.index.read_text(encoding="utf-8")
    assert index.count('<tr data-path="') == r.pairs_total + 118
