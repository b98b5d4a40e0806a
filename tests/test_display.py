"""Paths and tables in a terminal of a given width (reuse.report.display)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.console import Console

from reuse.cli.render_tables import SIMILARITY_COLUMNS
from reuse.report.display import (
    PATH_READABLE,
    Column,
    fit_table,
    root_of,
    shorten_path,
    shorten_paths,
    strip_root,
)

LONG_DIR = "gov_reports_archive_national_level/annual_work_reports"
NAMES = [f"{year}_国务院政府工作报告.txt" for year in range(2018, 2026)]
NPC = [
    "npc/第十三届全国人民代表大会第一次会议关于政府工作报告的决议.txt",
    "npc/第十三届全国人民代表大会第二次会议关于政府工作报告的决议.txt",
]


def render(renderable, width: int) -> list[str]:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text().splitlines()


@pytest.mark.parametrize("width", [8, 12, 20, 29, 40, 60, 200])
@pytest.mark.parametrize("path", [f"{LONG_DIR}/{NAMES[0]}", NPC[0], "a.txt", "x/" + "长" * 50])
def test_shortened_paths_fit_and_keep_the_file_name_when_it_fits(path: str, width: int) -> None:
    shown = shorten_path(path, width)
    name = path.rsplit("/", 1)[-1]
    assert cell_len(shown) <= max(width, 3)
    if cell_len(path) <= width:
        assert shown == path
    elif cell_len(name) <= width:
        assert shown.endswith(name), "the file name is kept whole when it fits"
    else:
        # Cut in its middle: its start and its extension stay.
        assert "…" in shown and shown.endswith(name[-1]) and shown[0] == name[0]


def test_folders_go_before_the_file_name() -> None:
    path = f"{LONG_DIR}/{NAMES[0]}"
    assert shorten_path(path, 29) == "…/2018_国务院政府工作报告.txt"
    assert shorten_path(path, 27) == "2018_国务院政府工作报告.txt"
    assert shorten_path(path, 0) == path
    assert shorten_path("a/b/c/d/2018_x.txt", 16) == "a/b/…/2018_x.txt"
    assert shorten_path("a/b/c/2018_x.txt", 16) == "a/b/c/2018_x.txt"


def test_paths_that_would_look_the_same_show_where_they_differ() -> None:
    for width in (20, 26, 34, 50):
        shown = shorten_paths(NPC, width)
        assert shown[NPC[0]] != shown[NPC[1]], width
        assert all(cell_len(s) <= width for s in shown.values())
    shown = shorten_paths(NPC, 30)
    assert "第一次" in shown[NPC[0]] and "第二次" in shown[NPC[1]]
    # Different folders, one file name: the folders are shown.
    same_name = ["reports/national/a.txt", "reports/provincial/a.txt"]
    shown = shorten_paths(same_name, 12)
    assert shown[same_name[0]] != shown[same_name[1]]


def test_the_root_name_is_dropped_only_when_there_is_one_root() -> None:
    assert root_of(["gov/a.txt", "gov/sub/b.txt"]) == "gov"
    assert root_of(["gov/a.txt", "news/b.txt"]) is None
    assert root_of(["single.txt"]) is None
    assert strip_root("gov/sub/b.txt", "gov") == "sub/b.txt"
    assert strip_root("gov", "gov") == "gov"
    assert strip_root("government/a.txt", "gov") == "government/a.txt"


def similarity_rows() -> list[list[object]]:
    paths = [f"{LONG_DIR}/{n}" for n in NAMES] + NPC
    return [
        [p, 28698 + i, 2551, f"{0.3 - i / 100:.1%}", 943, paths[(i + 1) % len(paths)], "4.2%", 16]
        for i, p in enumerate(paths)
    ]


@pytest.mark.parametrize("width", [80, 100, 160])
def test_a_table_fits_its_width_with_readable_distinct_paths(width: int) -> None:
    rows = similarity_rows()
    table, dropped = fit_table(width, SIMILARITY_COLUMNS, rows)
    lines = render(table, width)
    assert all(cell_len(line) <= width for line in lines)
    rule = next(k for k, line in enumerate(lines) if set(line.strip()) == {"─"})
    body = [line for line in lines[rule + 1 :] if line.strip()]
    assert len(body) == len(rows), "one line per row: nothing wraps"
    shown_docs = [line.split("  ")[0].strip() for line in body]
    assert len(set(shown_docs)) == len(rows), "every row's document is told apart"
    for line, row in zip(body, rows):
        name = str(row[0]).rsplit("/", 1)[-1]
        if name in NAMES:
            assert name in line, "a file name that fits is shown whole"
        assert "2551" in line and "4.2%" in line, "numbers are never cut"
    header = " ".join(lines[:rule])
    for col in SIMILARITY_COLUMNS:
        if col.header not in dropped:
            assert all(word in header.split() for word in col.header.split())
    if width == 80:
        assert dropped == ["sources", "stock", "chars"]
    if width == 160:
        assert dropped == []


def test_rows_too_wide_for_a_table_become_records() -> None:
    columns = [Column("path_a", "path"), Column("path_b", "path")] + [
        Column(name, "number", justify="right")
        for name in ("passages", "chars_a", "chars_b", "share_a", "share_b", "mean_similarity")
    ]
    rows = [[f"{LONG_DIR}/{NAMES[0]}", NPC[0], 7, 2034, 2165, 0.117, 0.118, 0.775]]
    view, _ = fit_table(80, columns, rows, records=True)
    lines = render(view, 80)
    assert lines[0].startswith("-[ row 1 ]")
    for col in columns:
        assert any(line.split()[:1] == [col.header] for line in lines), col.header
    assert any(NAMES[0] in line for line in lines)
    # Wide enough: a table, whose paths get at least PATH_READABLE cells.
    table, _ = fit_table(200, columns, rows, records=True)
    lines = render(table, 200)
    assert not lines[0].startswith("-[") and "mean_similarity" in lines[0]
    assert PATH_READABLE <= 30
