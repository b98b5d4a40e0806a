"""Formulaic lines: keys, units, the list file and the document-frequency rule."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pytest
from conftest import write

from reuse import Config, scan
from reuse.config.detection import BoilerplateConfig
from reuse.derive.boilerplate import UnitColumns, find_units, key_hash, load_list, unit_key
from reuse.text.normalise import normalise
from reuse.text.segment import segment


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("谢谢大家！", "谢谢大家。"),
        ("尊敬的各位领导，同志们：", "尊敬的各位领导,同志们:"),
        ("以上报告，请予审议。", "以上报告 请予审议"),
    ],
    ids=["punctuation", "width", "spacing"],
)
def test_unit_key_ignores_punctuation_and_width(a: str, b: str) -> None:
    assert unit_key(normalise(a).text) == unit_key(normalise(b).text)


def test_units_are_lines_and_sentences_with_original_offsets() -> None:
    text = "尊敬的各位领导，同志们：\n近年来，我区坚持党建引领。取得了明显成效。\n谢谢大家！"
    norm = normalise(text)
    units = find_units(text, norm, segment(norm.text), BoilerplateConfig(), frozenset())
    originals = {text[u.start : u.end] for u in units}
    assert "尊敬的各位领导，同志们：" in originals
    assert "谢谢大家！" in originals
    assert "取得了明显成效。" in originals
    for u in units:
        assert normalise(text[u.start : u.end]).text == norm.text[u.norm_start : u.norm_end]


def test_unit_columns_hold_the_units_in_order() -> None:
    text = "尊敬的各位领导，同志们：\n近年来，我区坚持党建引领。取得了明显成效。\n谢谢大家！"
    norm = normalise(text)
    listed = frozenset({key_hash(unit_key("谢谢大家"))})
    units = find_units(text, norm, segment(norm.text), BoilerplateConfig(), listed)
    columns = UnitColumns.of(units)
    assert columns.n_units == len(units) > 3
    assert columns.units() == units
    assert columns.key.dtype == np.uint64 and columns.listed.tolist().count(True) == 1
    assert UnitColumns.of([]).n_units == 0 and UnitColumns.of([]).units() == []


def test_list_file(tmp_path: Path) -> None:
    path = write(tmp_path / "list", "# comment\n\n汇报完毕，请批评指正。\n")
    assert load_list(path) == frozenset({key_hash("汇报完毕请批评指正")})
    assert load_list("") == frozenset()


def _corpus(root: Path, n: int, line: str) -> None:
    bodies = [
        "城市更新行动稳步推进，完成老旧小区改造一百二十个，新增停车泊位三千个。",
        "农业生产总体平稳，粮食总产量连续五年稳定在一百万吨以上，农民收入持续增长。",
        "科技创新能力增强，新增高新技术企业八十家，研发投入占比提高零点三个百分点。",
        "生态环境持续改善，空气质量优良天数比例达到百分之九十，河湖水质稳定达标。",
        "社会事业全面进步，新建中小学校十二所，基层医疗服务能力明显提升。",
        "对外开放水平提高，进出口总额增长百分之八，实际使用外资创历史新高。",
        "营商环境持续优化，政务服务事项全部实现网上可办，企业开办时间压缩到一天。",
        "民生保障扎实有力，城镇新增就业五万人，养老金标准再次提高。",
        "交通基础设施加快建设，高速公路通车里程突破五百公里，农村公路全面提档。",
        "安全生产形势稳定，事故起数和死亡人数实现双下降，防灾减灾能力增强。",
    ]
    for i in range(n):
        write(root / f"d{i}.txt", f"{line}\n{bodies[i % len(bodies)]}第{i}项工作按期完成。\n")


def test_document_frequency_makes_a_line_boilerplate(tmp_path: Path) -> None:
    _corpus(tmp_path / "c", 10, "下面我就今年以来的主要工作作简要汇报")
    db = tmp_path / "b.duckdb"
    cfg = Config.load(overrides={"boilerplate.list_path": ""})
    result = scan([tmp_path / "c"], db, cfg)
    assert result.n_reuse == 0, "pairs that share the line and a few words are no reuse"
    con = duckdb.connect(str(db), read_only=True)
    stars = con.execute("SELECT count(*) FROM matches WHERE source = 'line'").fetchone()
    con.close()
    assert stars == (9,), "a star: 10 documents (the threshold), 9 rows"
    con = duckdb.connect(str(db), read_only=True)
    lines = con.execute(
        "SELECT DISTINCT substr(d.text, a_start + 1, a_end - a_start) FROM matches m "
        "JOIN documents d ON d.doc_id = m.doc_a WHERE m.source = 'line'"
    ).fetchall()
    con.close()
    assert lines == [("下面我就今年以来的主要工作作简要汇报",)]


def test_line_in_nine_documents_is_not_boilerplate_unless_listed(tmp_path: Path) -> None:
    _corpus(tmp_path / "c", 9, "下面我就今年以来的主要工作作简要汇报")
    cfg = Config.load(overrides={"boilerplate.list_path": ""})
    assert _line_rows(scan, tmp_path / "c", tmp_path / "x.duckdb", cfg) == 0
    listed = write(tmp_path / "list", "下面我就今年以来的主要工作作简要汇报\n")
    cfg = Config.load(overrides={"boilerplate.list_path": str(listed)})
    assert _line_rows(scan, tmp_path / "c", tmp_path / "y.duckdb", cfg) == 8


def _line_rows(run, corpus: Path, db: Path, cfg: Config) -> int:
    run([corpus], db, cfg)
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute("SELECT count(*) FROM matches WHERE source = 'line'").fetchone()
    con.close()
    return int(row[0])
