"""The command line, driven as a user drives it (typer's CliRunner)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import REPO, SEED_A, SEED_B
from typer.testing import CliRunner

from reuse.cli import EXIT_FAILURE, EXIT_REJECTED, app
from reuse.report import QUERIES_DIR, available_queries

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def scanned(cli_env: Path, seed_dir: Path) -> Path:
    result = invoke("scan", str(seed_dir), "--quiet")
    assert result.exit_code == 0, result.output
    return cli_env / "reuse.duckdb"


@pytest.mark.parametrize("command", ["scan", "report", "show", "query"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_commands_are_documented_in_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in ("scan", "report", "show", "query"):
        assert f"reuse {command}" in readme


def test_scan_writes_default_db_and_prints_summary(scanned: Path) -> None:
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
    # reuse.shares: copied characters of each document (quotations and edits apart).
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
def test_query_refuses_writes(scanned: Path, sql: str) -> None:
    result = invoke("query", sql)
    assert result.exit_code == EXIT_FAILURE
    assert "refused" in result.output
    con = duckdb.connect(str(scanned), read_only=True)
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


def test_outputs_keep_the_default_database_and_existing_files(scanned: Path) -> None:
    before = scanned.read_bytes()
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
    assert scanned.read_bytes() == before
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
    assert "min_chars" in result.output and "min_similarity" in result.output
    ok = invoke("query", "near_identical", "-p", "min_chars=10", "--format", "json")
    assert ok.exit_code == 0, ok.output
