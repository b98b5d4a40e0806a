"""The command line, driven as a user drives it (typer's CliRunner)."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import typer.main
from conftest import REPO, SEED_A, SEED_B, write
from rich.cells import cell_len
from typer.testing import CliRunner

from reuse import Config, scan
from reuse.cli import app
from reuse.cli.exits import EXIT_FAILURE, EXIT_REJECTED
from reuse.report.query import QUERIES_DIR, available_queries, find_query

runner = CliRunner()


def invoke(*args: str, **kwargs):
    return runner.invoke(app, list(args), catch_exceptions=False, **kwargs)


@pytest.fixture
def scanned(cli_env: Path, seeds_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample database built once per session for the CLI tests (conftest's
    ``seeds_db``), the commands' database (REUSE_DB) in an empty working
    directory. Read only: a test that writes to it takes :func:`scanned_copy`."""
    monkeypatch.setenv("REUSE_DB", str(seeds_db))
    return seeds_db


@pytest.fixture
def scanned_copy(cli_env: Path, seeds_db: Path) -> Path:
    """A copy of the sample database as ``reuse.duckdb`` (the commands' default)
    in an empty working directory, for a test that writes to it."""
    db = cli_env / "reuse.duckdb"
    shutil.copyfile(seeds_db, db)
    return db


COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
#: How typer shows a type when an option or argument has no metavar.
TYPE_METAVAR = re.compile(r"<(?:int|float|str|text|path|integer|list\[[^>]*\]|[a-z]+\[[^>]*\])>")


def test_the_commands_are_all_there() -> None:
    assert set(COMMANDS) >= {
        "scan", "import", "report", "show", "query", "similarity", "groups", "templates",
        "provenance", "review", "export",
    }  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    for flag in ("--help", "-h"):
        result = invoke(command, flag)
        assert result.exit_code == 0, result.output
        assert f"reuse {command}" in result.output
        assert "Example: reuse " in result.output
        assert not TYPE_METAVAR.search(result.output), TYPE_METAVAR.search(result.output)


def test_top_level_help_and_short_flag() -> None:
    for flag in ("--help", "-h"):
        result = invoke(flag)
        assert result.exit_code == 0
        assert "Usage:" in result.output and "Example: reuse " in result.output
        assert "--install-completion" in result.output and "-h, --help" in result.output


def test_shell_completion_is_offered(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "SHELL": "/bin/bash"}
    show = subprocess.run(
        [sys.executable, "-m", "reuse", "--show-completion"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert show.returncode == 0, show.stderr
    assert "_REUSE_COMPLETE" in show.stdout
    install = subprocess.run(
        [sys.executable, "-m", "reuse", "--install-completion"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    assert "completion installed" in install.stdout
    assert any(tmp_path.rglob("*reuse*")), "the completion script is written under HOME"


HEAVY = ("numpy", "pyarrow", "duckdb", "jieba", "rapidfuzz", "datasketch", "opencc", "scipy")
HEAVY += (
    "trafilatura",
    "pypdf",
    "docx",
    "charset_normalizer",
    "rich.table",
    "reuse.engine.pipeline",
)


def test_help_loads_no_heavy_module() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['reuse', '--help']\n"
        "from reuse.cli import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_commands_are_documented_in_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in ("scan", "report", "show", "query"):
        assert f"reuse {command}" in readme


def test_scan_writes_default_db_and_prints_summary(cli_env: Path, seed_dir: Path) -> None:
    result = invoke("scan", str(seed_dir), "--quiet")
    assert result.exit_code == 0, result.output
    scanned = cli_env / "reuse.duckdb"
    assert scanned.exists()
    con = duckdb.connect(str(scanned), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
    con.close()
    again = invoke("scan", str(scanned.parent / "seeds"), "--quiet")
    assert again.exit_code == 0
    assert "unchanged (skipped)" in again.output


def test_report_text_shows_pair_shares_and_marked_differences(scanned: Path) -> None:
    result = invoke("report", "--max-chars", "0")
    assert result.exit_code == 0
    assert SEED_A in result.output and SEED_B in result.output
    assert "% copied (2986 of 3444 chars)" in result.output
    # Not a terminal: differences are marked in wdiff style.
    assert "{+" in result.output and "[-" in result.output


def test_report_json_has_stable_shape(scanned: Path) -> None:
    result = invoke("report", "--format", "json", "--doc", SEED_B)
    data = json.loads(result.output)
    assert set(data) == {"documents", "doc_id", "n_pairs", "ignored", "pairs", "similarity"}
    (pair,) = data["pairs"]
    assert {Path(pair["doc_a"]["path"]).name, Path(pair["doc_b"]["path"]).name} == {SEED_A, SEED_B}
    match = pair["matches"][0]
    assert set(match) >= {
        "match_id",
        "a_start",
        "a_end",
        "b_start",
        "b_end",
        "similarity",
        "edit_distance",
        "kind",
        "text_a",
        "text_b",
        "diff",
    }
    # reuse.store.shares: copied characters of each document (quotations and edits apart).
    assert pair["doc_a"]["share"] > 0.85 and pair["doc_b"]["share"] > 0.85


def test_report_min_chars_and_unknown_doc(scanned: Path) -> None:
    assert "No reuse matches" in invoke("report", "--min-chars", "100000").output
    missing = invoke("report", "--doc", "nope.txt")
    assert missing.exit_code == EXIT_FAILURE
    assert "no scanned document" in missing.output


def test_show_match(scanned: Path) -> None:
    con = duckdb.connect(str(scanned), read_only=True)
    match_id = con.execute("SELECT match_id FROM matches WHERE kind = 'reuse'").fetchone()[0]
    con.close()
    result = invoke("show", str(match_id), "--context", "10")
    assert result.exit_code == 0
    assert f"match {match_id} (reuse)" in result.output
    assert "[[" in result.output
    assert invoke("show", "999999").exit_code == EXIT_FAILURE


@pytest.mark.parametrize("name", available_queries())
def test_every_shipped_query_runs(scanned: Path, name: str) -> None:
    sql = (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")
    assert sql.startswith("--"), "each query starts with a header comment"
    result = invoke("query", name, "--format", "json")
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.output), list)


def test_query_results(scanned: Path) -> None:
    rows = json.loads(invoke("query", "top_pairs", "--format", "json").output)
    assert {Path(rows[0]["path_a"]).name, Path(rows[0]["path_b"]).name} == {SEED_A, SEED_B}
    lines = json.loads(invoke("query", "boilerplate_lines", "--format", "json").output)
    assert {r["line"] for r in lines} >= {"尊敬的各位领导，同志们："}
    few = json.loads(
        invoke("query", "passages", "-p", "min_chars=100000", "--format", "json").output
    )
    assert few == []
    shared = json.loads(
        invoke("query", "shared_with", "-p", f"doc=%{SEED_B}", "--format", "json").output
    )
    assert [(Path(r["other_path"]).name, r["kind"]) for r in shared] == [(SEED_A, "reuse")]
    shares = json.loads(invoke("query", "document_shares", "--format", "json").output)
    assert Path(shares[0]["path"]).name == SEED_A and shares[1]["copied_chars"] == 2986


def test_query_sql_text_and_file(scanned: Path, tmp_path: Path) -> None:
    out = invoke("query", "SELECT count(*) AS n FROM documents", "--format", "csv").output
    assert out.splitlines() == ["n", "5"]
    sql_file = tmp_path / "mine.sql"
    sql_file.write_text("-- mine\nSELECT 42 AS answer", encoding="utf-8")
    assert "42" in invoke("query", str(sql_file), "--format", "csv").output


@pytest.mark.parametrize(
    "sql", ["DROP TABLE matches", "UPDATE matches SET kind = 'reuse'", "DELETE FROM documents"]
)
def test_query_refuses_writes(scanned_copy: Path, sql: str) -> None:
    result = invoke("query", sql)
    assert result.exit_code == EXIT_FAILURE
    assert "refused" in result.output
    con = duckdb.connect(str(scanned_copy), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
    con.close()


def test_report_without_database_is_a_clear_error(cli_env: Path) -> None:
    result = invoke("report", "--db", "missing.duckdb")
    assert result.exit_code == EXIT_FAILURE
    assert "run 'reuse scan" in result.output


def test_scan_with_rejected_files_exits_3(cli_env: Path, seed_dir: Path) -> None:
    (seed_dir / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    result = invoke("scan", str(seed_dir), "--quiet")
    assert result.exit_code == EXIT_REJECTED
    assert "broken.txt" in result.output


def test_bad_config_value_is_a_clear_error(cli_env: Path, seed_dir: Path) -> None:
    result = invoke("scan", str(seed_dir), "--threshold", "1.5")
    assert result.exit_code == EXIT_FAILURE
    assert "candidates.threshold" in result.output


def test_python_dash_m(cli_env: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "reuse", "--version"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and proc.stdout.startswith("reuse ")


def test_export_format_comes_from_the_file_name(scanned: Path) -> None:
    result = invoke("export", "-o", "x.parquet")
    assert result.exit_code == 0, result.output
    assert Path("x.parquet").read_bytes()[:4] == b"PAR1"
    table = pq.read_table("x.parquet")
    con = duckdb.connect(str(scanned), read_only=True)
    (n,) = con.execute("SELECT count(*) FROM live_matches").fetchone()
    con.close()
    assert table.num_rows == n and "text_a" in table.column_names


def test_outputs_keep_the_default_database_and_existing_files(scanned_copy: Path) -> None:
    before = scanned_copy.read_bytes()
    # Relative names, the database by its default name.
    for args in (
        ["export", "-o", "reuse.duckdb", "--format", "csv", "--force"],
        ["export", "-o", "./reuse.duckdb.wal", "--format", "csv"],
        ["report", "--format", "html", "-o", "reuse.duckdb", "--force"],
        ["report", "--format", "json", "-o", "reuse.duckdb"],
    ):
        result = invoke(*args)
        assert result.exit_code != 0, args
        assert "refused" in result.output, args
    assert scanned_copy.read_bytes() == before
    assert not Path("reuse.duckdb.wal").exists()
    # The HTML report's default file is not overwritten by a second run.
    assert invoke("report", "--format", "html").exit_code == 0
    page = Path("reuse-report.html").read_text(encoding="utf-8")
    again = invoke("report", "--format", "html", "--doc", SEED_A)
    assert again.exit_code != 0 and "--force" in again.output
    assert Path("reuse-report.html").read_text(encoding="utf-8") == page
    assert invoke("report", "--format", "html", "--doc", SEED_A, "--force").exit_code == 0
    assert Path("reuse-report.html").read_text(encoding="utf-8") != page


def test_query_takes_only_its_parameters(scanned: Path) -> None:
    result = invoke("query", "near_identical", "-p", "min_char=10")
    assert result.exit_code != 0
    assert "unknown parameter min_char" in result.output
    said = " ".join(result.output.split())
    assert "it takes: min_chars (default" in said and "min_similarity" in said
    assert invoke("query", "near_identical", "-p", "min_chars").exit_code == 2
    ok = invoke("query", "near_identical", "-p", "min_chars=10", "--format", "json")
    assert ok.exit_code == 0, ok.output


# --- a corpus of many pairs, with long paths ------------------------------------------------

#: Folders and names as long as real ones: the distinguishing part is the year, or
#: (the two resolutions) a character in the middle of a long name.
DEEP = "national_level_archive/annual_government_work_reports"
YEARS = [f"{DEEP}/{year}_国务院政府工作报告.txt" for year in range(2018, 2024)]
RESOLUTIONS = [
    "npc_resolutions/第十三届全国人民代表大会第一次会议关于政府工作报告的决议.txt",
    "npc_resolutions/第十三届全国人民代表大会第二次会议关于政府工作报告的决议.txt",
]
NAMES = YEARS + RESOLUTIONS  # 8 documents, 28 pairs


def _random_text(rng: random.Random, n: int) -> str:
    pool = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    parts: list[str] = []
    while sum(map(len, parts)) < n:
        clause = "".join(rng.choice(pool) for _ in range(rng.randint(12, 24)))
        parts.append(clause + rng.choice("，；"))
    return "".join(parts)[:-1] + "。"


@pytest.fixture(scope="module")
def many_pairs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 documents, each pair sharing one passage of its own (28 pairs, no
    template): 2018 and 2019 share a long passage (the most copied pair), and
    the passage of 2020 and 2021 is edited in 2021 (similarity about 0.9)."""
    rng = random.Random(7)
    root = tmp_path_factory.mktemp("many") / "gov"
    texts: dict[int, list[str]] = {i: [_random_text(rng, 100)] for i in range(len(NAMES))}
    for a in range(len(NAMES)):
        for b in range(a + 1, len(NAMES)):
            shared = _random_text(rng, 900 if (a, b) == (0, 1) else 150)
            copy = shared
            if (a, b) == (2, 3):
                copy = "".join("变" if k % 10 == 5 else ch for k, ch in enumerate(shared))
            texts[a] += [shared, _random_text(rng, 80)]
            texts[b] += [copy, _random_text(rng, 80)]
    for i, name in enumerate(NAMES):
        write(root / name, "\n".join(texts[i]))
    db = root.parent / "many.duckdb"
    scan([root], db, Config())
    return db


def test_report_shows_the_top_20_pairs_and_says_how_to_see_more(many_pairs: Path) -> None:
    result = invoke("report", "--db", str(many_pairs), env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.count("pair ") >= 20 and "pair 20 of 28" in text and "pair 21 of" not in text
    footer = " ".join(text.strip().splitlines()[-4:])
    assert "20 of 28 document pairs shown" in footer and "8 more" in footer
    assert "--limit 0" in footer and "--limit N" in footer and "--doc PATH" in footer
    # The most copied pair first, its paths without the root's name ("gov/").
    first = text.split("pair 1 of 28", 1)[1].split("pair 2 of 28", 1)[0]
    assert "2018_国务院政府工作报告.txt" in first and "2019_国务院政府工作报告.txt" in first
    assert "gov/" not in text
    everything = invoke("report", "--db", str(many_pairs), "--limit", "0")
    assert "pair 28 of 28" in everything.output and "more:" not in everything.output
    data = json.loads(invoke("report", "--db", str(many_pairs), "--format", "json").output)
    assert data["n_pairs"] == 28 and len(data["pairs"]) == 20
    copied = [p["doc_a"]["reused_chars"] + p["doc_b"]["reused_chars"] for p in data["pairs"]]
    assert copied == sorted(copied, reverse=True) and copied[0] > 3 * copied[1]


def test_report_filters_by_share_and_similarity(many_pairs: Path) -> None:
    def pairs(*args: str) -> dict:
        result = invoke(
            "report", "--db", str(many_pairs), "--format", "json", "--limit", "0", *args
        )
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    top = pairs("--min-share", "0.2")
    assert top["n_pairs"] == 1
    (pair,) = top["pairs"]
    assert max(pair["doc_a"]["share"], pair["doc_b"]["share"]) >= 0.2
    assert {Path(pair["doc_a"]["path"]).name[:4], Path(pair["doc_b"]["path"]).name[:4]} == {
        "2018",
        "2019",
    }
    edited = pairs("--min-similarity", "0.99")
    assert edited["n_pairs"] == 27, "the edited passage of 2020 and 2021 is left out"
    names = {
        frozenset((Path(p["doc_a"]["path"]).name[:4], Path(p["doc_b"]["path"]).name[:4]))
        for p in edited["pairs"]
    }
    assert frozenset(("2020", "2021")) not in names
    assert all(m["similarity"] >= 0.99 for p in edited["pairs"] for m in p["matches"])
    assert invoke("report", "--db", str(many_pairs), "--min-share", "1.5").exit_code == 2


def test_tables_at_80_columns_show_readable_distinct_paths(many_pairs: Path) -> None:
    result = invoke("similarity", "--db", str(many_pairs), env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(cell_len(line) <= 80 for line in lines), "fits 80 columns"
    rows = [line for line in lines if "%" in line and "left out" not in line]
    assert len(rows) == len(NAMES)
    documents = [line.split("  ")[0].strip() for line in rows]
    assert len(set(documents)) == len(NAMES), "every row's document is told apart"
    for year in range(2018, 2024):
        assert sum(f"{year}_国务院政府工作报告.txt" in d for d in documents) == 1
    assert not any(d.startswith(("gov", "nat")) for d in documents), "no shared prefix"
    for command in ("provenance", "groups"):
        out = invoke(command, "--db", str(many_pairs), env={"COLUMNS": "80"}).output
        assert all(cell_len(line) <= 80 for line in out.splitlines()), command
        assert "2019_国务院政府工作报告.txt" in out and DEEP not in out, command


def test_query_tables_keep_every_header_whole(many_pairs: Path) -> None:
    from reuse.report.query import run_query

    for name in available_queries():
        _, sql = find_query(name)
        columns, _ = run_query(str(many_pairs), sql)
        result = invoke("query", name, "--db", str(many_pairs), env={"COLUMNS": "80"})
        assert result.exit_code == 0, (name, result.output)
        words = set(result.output.split())
        assert all(c in words for c in columns), (name, [c for c in columns if c not in words])
        assert all(cell_len(line) <= 80 for line in result.output.splitlines()), name
    wide = invoke("query", "top_pairs", "--db", str(many_pairs), env={"COLUMNS": "80"})
    assert "2018_国务院政府工作报告.txt" in wide.output


def test_scan_json_summary_agrees_with_the_database_and_the_clock(
    many_pairs: Path, tmp_path: Path
) -> None:
    corpus = many_pairs.parent / "gov"
    db = tmp_path / "s.duckdb"
    first = json.loads(invoke("scan", str(corpus), "--db", str(db), "-q", "--json").output)
    # A rescan that changes nothing, as a user runs it: its own process.
    began = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "reuse", "scan", str(corpus), "--db", str(db), "-q", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - began
    assert proc.returncode == 0, proc.stderr
    again = json.loads(proc.stdout)
    assert again["seconds"] <= wall
    assert again["seconds"] >= 0.5 * wall, "the whole command, not the sum of its stages"
    con = duckdb.connect(str(db), read_only=True)
    groups, templates = con.execute(
        "SELECT (SELECT count(*) FROM groups), "
        "(SELECT count(*) FROM templates WHERE kind = 'template')"
    ).fetchone()
    scans = con.execute("SELECT n_files, n_new, n_unchanged FROM scans ORDER BY scan_id").fetchall()
    con.close()
    assert groups > 0
    assert first["n_groups"] == again["n_groups"] == groups, "groups in the database"
    assert again["n_templates"] == templates
    assert [(s["n_files"], s["n_new"], s["n_unchanged"]) for s in (first, again)] == scans
    assert again["n_unchanged"] == len(NAMES) and again["errors"] == []
    assert set(first) >= {"scan_id", "status", "n_reuse", "n_boilerplate", "rebuilt"}
    # The table says the same.
    table = invoke("scan", str(corpus), "--db", str(db), "-q").output
    assert re.search(rf"reuse groups\s*│\s*{groups}\s*│", table)


def test_scan_seconds_count_what_no_stage_times(
    many_pairs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reuse.config import Config as RealConfig

    load = RealConfig.load

    def slow_load(*args, **kwargs):
        time.sleep(0.5)  # reading the configuration is no stage of the scan
        return load(*args, **kwargs)

    monkeypatch.setattr(RealConfig, "load", slow_load)
    began = time.perf_counter()
    result = invoke(
        "scan", str(many_pairs.parent / "gov"), "--db", str(tmp_path / "t.duckdb"), "--json"
    )
    wall = time.perf_counter() - began
    summary = json.loads(result.output)
    assert sum(summary["stage_seconds"].values()) + 0.5 <= summary["seconds"] <= wall


def test_unknown_settings_are_refused_with_the_known_ones(cli_env: Path, seed_dir: Path) -> None:
    bad_section = cli_env / "section.toml"
    bad_section.write_text("[sketchh]\nnum_perm = 64\n", encoding="utf-8")
    result = invoke("scan", str(seed_dir), "--config", str(bad_section))
    assert result.exit_code == EXIT_FAILURE
    said = " ".join(result.output.split())
    assert "unknown config section [sketchh]" in said and "known:" in said
    assert "sketch" in said.split("known:")[1] and "candidates" in said.split("known:")[1]
    bad_key = cli_env / "key.toml"
    bad_key.write_text("[sketch]\nnum_perms = 64\n", encoding="utf-8")
    result = invoke("scan", str(seed_dir), "--config", str(bad_key))
    assert result.exit_code == EXIT_FAILURE
    said = " ".join(result.output.split())
    assert "num_perms" in said and "known: num_perm, seed" in said
    assert not (cli_env / "reuse.duckdb").exists(), "nothing was scanned"
