"""Review SQL stays inside its database; outputs never destroy it or overwrite silently.

Every attack is driven through the library (:func:`reuse.report.query.run_query`)
and the command line (``reuse query SQL --db FILE``), and each test asserts
what did not happen: no file written, no other database changed, no outside
data returned, no request sent.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import DATA
from typer.testing import CliRunner

import reuse.report.export
import reuse.report.query
from reuse import Config, scan
from reuse.cli import app
from reuse.engine.spark_output import LAYOUT_VERSION, read_manifest
from reuse.errors import QueryError, ReuseError, StoreError
from reuse.report.export import export_format, export_matches
from reuse.report.outputs import OutputError, OutputWriteError, check_output, open_output
from reuse.report.query import QUERIES_DIR, confined_connection, query_parameters, run_query

runner = CliRunner()

MARKER = "OUTSIDE-SECRET-7f3a"
CONFINED = "review SQL may only read this database"
EXPORT_COLUMNS = [
    "match_id",
    "kind",
    "path_a",
    "a_start",
    "a_end",
    "path_b",
    "b_start",
    "b_end",
    "similarity",
    "edit_distance",
    "first_seen_scan",
    "verdict",
    "note",
    "text_a",
    "text_b",
]


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def flat(text: str) -> str:
    """``text`` without white space: the console wraps long messages anywhere."""
    return "".join(text.split())


def says(output: str, message: str) -> bool:
    return flat(message) in flat(output)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count_documents(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed reports scanned into a database of this module's own."""
    root = tmp_path_factory.mktemp("confined")
    corpus = root / "seeds"
    corpus.mkdir()
    for f in sorted(DATA.glob("*.txt")):
        shutil.copy(f, corpus / f.name)
    path = root / "reuse.duckdb"
    scan([corpus], path, Config())
    assert count_documents(path) == 5
    return path


@pytest.fixture
def fresh_db(db: Path, tmp_path: Path) -> Path:
    """A private copy of the database, for tests that try to destroy it."""
    copy = tmp_path / "mine.duckdb"
    shutil.copy(db, copy)
    return copy


class _Server:
    """A local HTTP server serving a CSV with the marker; counts requests."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server API)
                outer.requests.append(self.path)
                body = f"secret\n{MARKER}\n".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_HEAD = do_GET  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/x.csv"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[_Server]:
    s = _Server()
    yield s
    s.close()


def _extension_files() -> set[Path]:
    home = Path.home() / ".duckdb"
    return set(home.rglob("*")) if home.exists() else set()


# --- the attacks ------------------------------------------------------------------------------
# Each builds (sql, check): check(result_text) asserts nothing was written or read.

Attack = Callable[[Path, _Server, Path], tuple[str, str, Callable[[str], None]]]


def _copy_to(tmp: Path, server: _Server, db: Path):
    target = tmp / "x.csv"

    def check(text: str) -> None:
        assert not target.exists()

    return f"COPY (SELECT text FROM documents) TO '{target}'", CONFINED, check


def _attach_delete(tmp: Path, server: _Server, db: Path):
    other = tmp / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t AS SELECT range AS i FROM range(3)")
    con.close()
    before = digest(other)

    def check(text: str) -> None:
        assert digest(other) == before
        con = duckdb.connect(str(other), read_only=True)
        try:
            assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 3
        finally:
            con.close()

    sql = f"ATTACH '{other}' AS other (READ_WRITE); DELETE FROM other.t"
    return sql, "one statement at a time", check


def _attach_alone(tmp: Path, server: _Server, db: Path):
    sql, _, check = _attach_delete(tmp, server, db)
    return sql.split(";")[0], CONFINED, check


def _export_database(tmp: Path, server: _Server, db: Path):
    target = tmp / "dump"

    def check(text: str) -> None:
        assert not target.exists()

    return f"EXPORT DATABASE '{target}'", CONFINED, check


def _read_text(tmp: Path, server: _Server, db: Path):
    secret = tmp / "shadow"
    secret.write_text(f"root:{MARKER}:19000:0:99999:7:::\n", encoding="utf-8")

    def check(text: str) -> None:
        assert MARKER not in text

    return f"SELECT * FROM read_text('{secret}')", CONFINED, check


def _glob(tmp: Path, server: _Server, db: Path):
    folder = tmp / "private"
    folder.mkdir()
    (folder / f"{MARKER}.key").write_text("x", encoding="utf-8")

    def check(text: str) -> None:
        assert MARKER not in text

    return f"SELECT * FROM glob('{folder}/**')", CONFINED, check


def _install(tmp: Path, server: _Server, db: Path):
    before = _extension_files()

    def check(text: str) -> None:
        assert _extension_files() == before

    return "INSTALL httpfs", CONFINED, check


def _load(tmp: Path, server: _Server, db: Path):
    before = _extension_files()

    def check(text: str) -> None:
        assert _extension_files() == before

    return "LOAD httpfs", CONFINED, check


def _read_url(tmp: Path, server: _Server, db: Path):
    def check(text: str) -> None:
        assert MARKER not in text
        assert server.requests == [], "the query reached the network"

    return f"SELECT * FROM read_csv('{server.url}')", CONFINED, check


def _replacement_scan(tmp: Path, server: _Server, db: Path):
    # A Python table where the query runs: DuckDB's replacement scans read
    # the variables of the frame (and module) that executes the query.
    def check(text: str) -> None:
        assert MARKER not in text

    return "SELECT * FROM secret_frame", CONFINED, check


def _several_statements(tmp: Path, server: _Server, db: Path):
    target = tmp / "second.csv"

    def check(text: str) -> None:
        assert not target.exists()

    sql = f"SELECT count(*) FROM documents; COPY (SELECT 1) TO '{target}'"
    return sql, "one statement at a time", check


def _unlock(tmp: Path, server: _Server, db: Path):
    def check(text: str) -> None:
        pass

    return "SET enable_external_access = true", CONFINED, check


ATTACKS: dict[str, Attack] = {
    "copy-to-file": _copy_to,
    "attach-then-delete": _attach_delete,
    "attach-read-write": _attach_alone,
    "export-database": _export_database,
    "read_text-outside-file": _read_text,
    "glob-outside-folder": _glob,
    "install-extension": _install,
    "load-extension": _load,
    "read_csv-url": _read_url,
    "python-replacement-scan": _replacement_scan,
    "several-statements": _several_statements,
    "set-to-undo-confinement": _unlock,
}


@pytest.fixture
def planted(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Python table named ``secret_frame`` where review SQL executes."""
    table = pa.table({"secret": [MARKER]})
    monkeypatch.setattr(reuse.report.query, "secret_frame", table, raising=False)


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_attack_is_refused_by_the_library(
    attack: Attack, db: Path, tmp_path: Path, server: _Server, planted: None
) -> None:
    sql, message, check = attack(tmp_path, server, db)
    with pytest.raises(QueryError) as info:
        run_query(str(db), sql)
    assert message in str(info.value)
    check(str(info.value))
    assert count_documents(db) == 5


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_attack_is_refused_by_the_cli(
    attack: Attack, db: Path, tmp_path: Path, server: _Server, planted: None
) -> None:
    sql, message, check = attack(tmp_path, server, db)
    result = invoke("query", sql, "--db", str(db), "--format", "json")
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), "a message, not a traceback"
    assert says(result.output, message)
    check(flat(result.output))
    assert count_documents(db) == 5


# The confinement of the connection itself, without the statement check of run_query:
# DuckDB refuses these even when they are executed directly.
RAW = {
    "copy": "COPY (SELECT 1) TO '{tmp}/raw.csv'",
    "attach": "ATTACH '{tmp}/raw.duckdb'",
    "export": "EXPORT DATABASE '{tmp}/rawdump'",
    "read_text": "SELECT * FROM read_text('{tmp}/shadow')",
    "glob": "SELECT * FROM glob('{tmp}/*')",
    "install": "INSTALL httpfs",
    "load": "LOAD httpfs",
    "url": "SELECT * FROM read_csv('{url}')",
    "set-access": "SET enable_external_access = true",
    "set-replacements": "SET python_enable_replacements = true",
    "unlock": "SET lock_configuration = false",
    "autoload": "SET autoload_known_extensions = true",
}


@pytest.mark.parametrize("sql", RAW.values(), ids=RAW.keys())
def test_the_connection_itself_is_confined(
    sql: str, db: Path, tmp_path: Path, server: _Server
) -> None:
    (tmp_path / "shadow").write_text(MARKER, encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    con = confined_connection(db)
    try:
        with pytest.raises(duckdb.Error):
            con.execute(sql.format(tmp=tmp_path, url=server.url)).fetchall()
        settings = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() WHERE name IN "
                "('enable_external_access', 'python_enable_replacements', "
                "'autoload_known_extensions', 'lock_configuration')"
            ).fetchall()
        )
        # httpfs registers s3_region when it loads.
        loaded = con.execute(
            "SELECT count(*) FROM duckdb_settings() WHERE name = 's3_region'"
        ).fetchone()[0]
    finally:
        con.close()
    assert settings == {
        "enable_external_access": "false",
        "python_enable_replacements": "false",
        "autoload_known_extensions": "false",
        "lock_configuration": "true",
    }
    assert loaded == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert server.requests == []


def test_the_attacks_are_real_on_a_plain_connection(db: Path, tmp_path: Path) -> None:
    """What the confinement stops: a plain read-only connection writes files and reads
    Python variables (so the tests above would fail without it)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute(f"COPY (SELECT 1 AS one) TO '{tmp_path}/plain.csv'")
        secret_frame = pa.table({"secret": [MARKER]})  # noqa: F841 (read by DuckDB)
        rows = con.execute("SELECT * FROM secret_frame").fetchall()
    finally:
        con.close()
    assert (tmp_path / "plain.csv").exists()
    assert rows == [(MARKER,)]


def test_confined_connection_settings_and_sharing(db: Path) -> None:
    first = confined_connection(db)
    second = confined_connection(db)  # one locked instance, shared
    try:
        for con in (first, second):
            row = con.execute(
                "SELECT current_setting('index_scan_max_count'), "
                "current_setting('enable_external_access'), "
                "(SELECT count(*) FROM documents)"
            ).fetchone()
            assert row == (0, False, 5)
            # The database itself stays readable, as a file too.
            assert con.execute(f"SELECT size > 0 FROM read_blob('{db}')").fetchone() == (True,)
    finally:
        first.close()
        second.close()


def test_confined_connection_beside_another_connection_is_a_clear_error(db: Path) -> None:
    plain = duckdb.connect(str(db), read_only=True)
    try:
        with pytest.raises(QueryError, match="another connection"):
            confined_connection(db)
    finally:
        plain.close()


def test_confined_connection_without_database(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="no database"):
        confined_connection(tmp_path / "missing.duckdb")
    assert not (tmp_path / "missing.duckdb").exists()


def test_refused_statement_types_name_themselves(db: Path) -> None:
    with pytest.raises(QueryError, match=r"refused: CREATE statements are not allowed; review SQL"):
        run_query(str(db), "CREATE TEMP TABLE t AS SELECT 1")
    with pytest.raises(QueryError, match=r"refused: DELETE statements are not allowed; review SQL"):
        run_query(str(db), "DELETE FROM documents")
    assert count_documents(db) == 5


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT count(*) AS n FROM documents;",
        "-- a comment\nSELECT count(*) AS n FROM documents; -- trailing\n",
        "/* block */ FROM documents SELECT count(*) AS n",
        "SELECT count(*) AS n FROM documents WHERE path <> ';'",
    ],
    ids=["trailing-semicolon", "line-comments", "block-comment", "semicolon-in-string"],
)
def test_one_statement_with_comments_and_semicolon_runs(db: Path, sql: str) -> None:
    assert run_query(str(db), sql) == (["n"], [(5,)])


def test_read_only_statements_still_run(db: Path) -> None:
    assert run_query(str(db), "DESCRIBE documents")[1]
    assert run_query(str(db), "SHOW TABLES")[1]
    assert run_query(str(db), "PRAGMA table_info('matches')")[1]
    assert run_query(str(db), "EXPLAIN SELECT * FROM matches")[1]
    with pytest.raises(QueryError, match="no SQL statement"):
        run_query(str(db), "-- only a comment")


@pytest.mark.parametrize("name", sorted(p.stem for p in QUERIES_DIR.glob("*.sql")))
def test_every_shipped_query_runs_confined(db: Path, name: str) -> None:
    sql = (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")
    columns, _ = run_query(str(db), sql)
    assert columns


# --- query parameters -------------------------------------------------------------------------


def test_unknown_parameter_is_refused_with_the_ones_taken(db: Path) -> None:
    sql = (QUERIES_DIR / "top_pairs.sql").read_text(encoding="utf-8")
    with pytest.raises(QueryError) as info:
        run_query(str(db), sql, {"foo": "1"})
    assert "unknown parameter foo" in str(info.value)
    assert "min_chars (default 0)" in str(info.value)
    result = invoke("query", "top_pairs", "-p", "foo=1", "--db", str(db))
    assert result.exit_code != 0
    assert says(result.output, "unknown parameter foo") and "min_chars" in result.output
    # The parameter it takes still works.
    ok = invoke("query", "top_pairs", "-p", "min_chars=100000", "--db", str(db), "--format", "json")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output) == []


def test_parameters_are_what_duckdb_parses(db: Path) -> None:
    sql = "-- param: n = 2\n-- mentions $ghost in a comment\nSELECT $n * 21 AS answer"
    assert query_parameters(sql) == {"n"}
    with pytest.raises(QueryError, match="unknown parameter ghost"):
        run_query(str(db), sql, {"ghost": "1"})
    with pytest.raises(QueryError, match="it takes no parameters"):
        run_query(str(db), "SELECT 1", {"x": "1"})
    with pytest.raises(QueryError, match=r"no value for parameter m: give -p NAME=VALUE"):
        run_query(str(db), "SELECT $m AS v")
    assert run_query(str(db), sql, {"n": "1"}) == (["answer"], [(21,)])
    # A -- param: default the SQL does not use is not passed to DuckDB.
    assert run_query(str(db), "-- param: unused = 3\nSELECT 7 AS v") == (["v"], [(7,)])


# --- outputs ----------------------------------------------------------------------------------


def _assert_intact(db: Path, before: str) -> None:
    assert digest(db) == before
    assert count_documents(db) == 5


def test_export_onto_the_database_is_refused(fresh_db: Path) -> None:
    before = digest(fresh_db)
    for args in (
        ["--format", "csv", "-o", str(fresh_db)],
        ["-o", str(fresh_db)],  # no --format: the database is named before the suffix
        ["--format", "parquet", "--force", "-o", str(fresh_db)],
    ):
        result = invoke("export", "--db", str(fresh_db), *args)
        assert result.exit_code != 0
        assert isinstance(result.exception, SystemExit)
        assert says(result.output, "is the database"), result.output
        _assert_intact(fresh_db, before)
    with pytest.raises(OutputError, match="is the database"):
        export_matches(str(fresh_db), "csv", str(fresh_db), force=True)
    _assert_intact(fresh_db, before)


def test_export_onto_the_wal_a_symlink_or_a_hard_link_is_refused(fresh_db: Path) -> None:
    before = digest(fresh_db)
    symlink = fresh_db.with_name("link.csv")
    symlink.symlink_to(fresh_db)
    hardlink = fresh_db.with_name("hard.csv")
    os.link(fresh_db, hardlink)
    wal = Path(str(fresh_db) + ".wal")
    for output in (symlink, hardlink, wal):
        result = invoke("export", "--db", str(fresh_db), "-o", str(output), "--force")
        assert result.exit_code != 0, output
        assert says(result.output, "refused:") and says(result.output, "database")
    assert not wal.exists()
    assert symlink.is_symlink() and digest(hardlink) == before
    _assert_intact(fresh_db, before)


@pytest.mark.parametrize("fmt", ["html", "text", "json"])
def test_report_onto_the_database_is_refused(fresh_db: Path, fmt: str) -> None:
    before = digest(fresh_db)
    result = invoke(
        "report", "--db", str(fresh_db), "--format", fmt, "-o", str(fresh_db), "--force"
    )
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)
    assert says(result.output, "is the database")
    _assert_intact(fresh_db, before)


def test_existing_output_needs_force(db: Path, tmp_path: Path) -> None:
    for command in (["export"], ["report", "--format", "html"], ["report", "--format", "json"]):
        names = {"export": "x.csv", "html": "x.html", "json": "x.out"}
        out = tmp_path / names[command[-1]]
        out.write_text("keep me", encoding="utf-8")
        result = invoke(*command, "--db", str(db), "-o", str(out))
        assert result.exit_code != 0, command
        assert says(result.output, "exists; use --force")
        assert out.read_text(encoding="utf-8") == "keep me"
        forced = invoke(*command, "--db", str(db), "-o", str(out), "--force")
        assert forced.exit_code == 0, forced.output
        assert out.read_text(encoding="utf-8") != "keep me"
    assert json.loads((tmp_path / "x.out").read_text(encoding="utf-8"))["documents"] == 5
    assert not list(tmp_path.glob(".*partial"))


def test_report_text_to_a_file(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    result = invoke("report", "--db", str(db), "-o", str(out), "--max-chars", "0")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "document pair" in text and "{+" in text


def test_missing_output_folder_is_a_clear_error(db: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such"
    for command in (["export"], ["report", "--format", "html"]):
        result = invoke(*command, "--db", str(db), "-o", str(missing / "out.csv"))
        assert result.exit_code != 0
        assert isinstance(result.exception, SystemExit), "a message, not a traceback"
        assert says(result.output, f"no folder {missing}")
        assert says(result.output, "create it first")
    assert not (tmp_path / "no").exists()


def test_output_that_is_a_folder_is_refused(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out.csv"
    folder.mkdir()
    result = invoke("export", "--db", str(db), "-o", str(folder), "--force")
    assert result.exit_code != 0 and says(result.output, "is a folder")
    assert folder.is_dir() and not any(folder.iterdir())


@pytest.mark.parametrize("suffix, magic", [(".parquet", b"PAR1"), (".json", b"["), (".csv", b"ma")])
def test_export_format_from_suffix(db: Path, tmp_path: Path, suffix: str, magic: bytes) -> None:
    out = tmp_path / f"m{suffix}"
    result = invoke("export", "--db", str(db), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(magic)
    if suffix == ".parquet":
        assert pq.read_table(out).column_names == EXPORT_COLUMNS
    elif suffix == ".csv":
        assert out.read_text(encoding="utf-8").splitlines()[0] == ",".join(EXPORT_COLUMNS)
    else:
        assert list(json.loads(out.read_text(encoding="utf-8"))[0]) == EXPORT_COLUMNS


def test_export_format_flag_wins_and_unknown_suffix_is_an_error(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.parquet"
    assert invoke("export", "--db", str(db), "-o", str(out), "--format", "csv").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("match_id,kind,")
    odd = tmp_path / "m.txt"
    result = invoke("export", "--db", str(db), "-o", str(odd))
    assert result.exit_code != 0
    assert says(result.output, ".csv, .json, .parquet") and "--format" in result.output
    assert not odd.exists()
    assert export_format("M.PARQUET") == "parquet"
    with pytest.raises(QueryError, match="export format must be"):
        export_format("m.csv", "xlsx")


def test_failed_export_leaves_no_half_file(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(table: pa.Table, f) -> None:
        f.write(b"match_id,kind\n1,re")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(reuse.report.export, "_write_csv", broken)
    new = tmp_path / "new.csv"
    with pytest.raises(OutputWriteError, match="No space left on device"):
        export_matches(str(db), None, str(new))
    assert not new.exists()
    old = tmp_path / "old.csv"
    old.write_text("the previous export", encoding="utf-8")
    with pytest.raises(OutputError):
        export_matches(str(db), None, str(old), force=True)
    assert old.read_text(encoding="utf-8") == "the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.csv"]


def test_open_output_never_replaces_a_file_that_appeared_meanwhile(tmp_path: Path) -> None:
    target = tmp_path / "race.txt"
    with pytest.raises(OutputError, match="exists"):
        with open_output(target, text=True) as f:
            f.write("mine")
            target.write_text("theirs", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.txt"]


def test_open_output_writes_whole_files(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    with open_output(target, text=True) as f:
        f.write("第一行\n")
    assert target.read_text(encoding="utf-8") == "第一行\n"
    with pytest.raises(RuntimeError):
        with open_output(target, force=True) as f:
            f.write(b"half")
            raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "第一行\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    assert isinstance(OutputError("x"), ReuseError)
    assert check_output(tmp_path / "b.txt", tmp_path / "db.duckdb") == tmp_path / "b.txt"


# --- Spark output manifests -------------------------------------------------------------------


def _manifest(**changes: object) -> dict:
    data: dict = {"layout": LAYOUT_VERSION, "config": Config().to_json(), "fingerprint": "f"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not ...}


MANIFESTS = {
    "not-json": ("{layout: 1", "is not valid JSON"),
    "not-an-object": (json.dumps([1, 2]), "a JSON object was expected, found list"),
    "no-layout": (json.dumps({"config": "{}"}), "'layout' is missing"),
    "other-layout": (json.dumps(_manifest(layout=99)), "has output layout 99"),
    "no-config": (json.dumps(_manifest(config=...)), "'config' is missing"),
    "config-not-text": (json.dumps(_manifest(config={"scan": {}})), "'config' must be str"),
    "config-not-json": (json.dumps(_manifest(config="{oops")), "'config' is not JSON text"),
    "config-not-object": (json.dumps(_manifest(config="[1]")), "JSON of an object, found list"),
    "n_files-text": (json.dumps(_manifest(n_files="3")), "'n_files' must be integer"),
    "edits-number": (json.dumps(_manifest(edits=1)), "'edits' must be bool"),
    "roots-item": (json.dumps(_manifest(roots=["a", 3])), "roots[1] must be str"),
    "listing-error": (
        json.dumps(_manifest(listing_errors=[{"path": "a"}])),
        "listing_errors[0] needs a string 'stage'",
    ),
    "seconds-text": (json.dumps(_manifest(seconds={"align": "1s"})), "seconds['align']"),
    "not-utf8": (b"\xff\xfe{}", "is not UTF-8"),
}


@pytest.mark.parametrize("content, message", MANIFESTS.values(), ids=MANIFESTS.keys())
def test_malformed_manifest_is_a_clear_store_error(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    manifest = folder / "manifest.json"
    if isinstance(content, bytes):
        manifest.write_bytes(content)
    else:
        manifest.write_text(content, encoding="utf-8")
    with pytest.raises(StoreError) as info:
        read_manifest(folder)
    assert message in str(info.value)
    if "layout 99" not in message:
        assert str(manifest) in str(info.value)
    db = tmp_path / "imported.duckdb"
    result = invoke("import", str(folder), "--db", str(db))
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), "a message, not a traceback"
    assert says(result.output, message)
    assert not db.exists()


def test_well_formed_manifest_is_read(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(
        json.dumps(_manifest(roots=["/r"], n_files=2, edits=True, seconds={"align": 1.5})),
        encoding="utf-8",
    )
    assert read_manifest(tmp_path)["n_files"] == 2
    with pytest.raises(StoreError, match="no manifest.json"):
        read_manifest(tmp_path / "nothing")
