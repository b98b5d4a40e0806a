"""Document dates from metadata, file names and text (head dateline or tail signature)."""

from __future__ import annotations

import datetime
import json
import random
from pathlib import Path

import duckdb
import pytest
from conftest import write
from typer.testing import CliRunner

from reuse import Config, scan
from reuse.cli import app
from reuse.text.congress_sessions import cpc_congress_year, npc_session_year
from reuse.text.date_precision import DocumentDate, compare_dates, format_date
from reuse.text.dates import document_date, parse_metadata_date
from reuse.text.filename_dates import date_from_filename
from reuse.text.text_dates import date_from_text

D = datetime.date
NEXT_YEAR = datetime.date.today().year + 1
BODY = "\n".join(f"第{i}段，围绕中心工作，扎实推进各项任务，取得明显成效。" for i in range(1, 21))


# --- file names --------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "matched"),
    [
        ("2024-03-05 区委书记讲话.docx", "2024-03-05"),
        ("/corpus/2019/讲话_2024_03_05.txt", "2024_03_05"),
        ("报告2024.03.05.pdf", "2024.03.05"),
        ("report-2024.3.5-final.pdf", "2024.3.5"),
        ("scan_20240305_v2.pdf", "20240305"),
        ("20240305.txt", "20240305"),
        ("2024年3月5日在全区大会上的讲话.txt", "2024年3月5日"),
        ("2024 年 3 月 5 日 讲话.txt", "2024 年 3 月 5 日"),
        ("C:\\docs\\2020\\20240305.txt", "20240305"),
    ],
)
def test_date_from_filename(path: str, matched: str) -> None:
    assert date_from_filename(path) == DocumentDate(
        D(2024, 3, 5), "file name", f"{matched} in file name"
    )


@pytest.mark.parametrize(
    "path",
    [
        "scan_202403051.pdf",  # nine digits: an id, not a date
        "13920240305.txt",  # a longer digit run (a phone number)
        "2024-03_05.txt",  # mixed separators
        "20241305.txt",  # month 13
        "2023-02-29.txt",  # not a leap year
        "18990305.txt",  # implausible year
        f"{NEXT_YEAR + 1}0305.txt",  # the future
        "2024-03_05.txt",  # mixed separators: no month or year either
        "2023-02-30_讲话.txt",  # an invalid date gives no month or year either
        "2024年2月30日讲话.txt",
        "v2024.txt",  # a letter touches it
        "2024a.txt",
        "第2025号.txt",  # between Chinese characters: a number, not a year
        "2024-2025学年.txt",  # continued by a separator and a digit
        "05.03.2024.txt",
        "1948_讲话.txt",  # implausible year
        f"{NEXT_YEAR + 1}_规划.txt",
        "12_全面开创社会主义现代化建设的新局面_(十二大).txt",  # a congress number
        "/archive/2024-03-05/notes.txt",  # the directory is not the file name
        "讲话.txt",
    ],
)
def test_no_date_in_filename(path: str) -> None:
    assert date_from_filename(path) is None


def test_first_valid_date_in_filename_wins() -> None:
    found = date_from_filename("20241340_2023-12-01_20240101.txt")
    assert found is not None and found.date == D(2023, 12, 1)


# --- text formats ------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2024年3月5日", D(2024, 3, 5)),
        ("2024年03月05日", D(2024, 3, 5)),
        ("2024 年 3 月 5 日", D(2024, 3, 5)),
        ("2024\u3000年\u30003\u3000月\u30005\u3000日", D(2024, 3, 5)),
        ("２０２４年３月５日", D(2024, 3, 5)),
        ("２０２４年12月３１日", D(2024, 12, 31)),
        ("二〇二四年三月五日", D(2024, 3, 5)),
        ("二○二四年三月五日", D(2024, 3, 5)),
        ("二零二四年三月五日", D(2024, 3, 5)),
        ("二〇二四年十月十日", D(2024, 10, 10)),
        ("二〇二四年十一月十九日", D(2024, 11, 19)),
        ("二〇二四年十二月二十一日", D(2024, 12, 21)),
        ("二〇二四年一月二十日", D(2024, 1, 20)),
        ("二〇二四年一月三十一日", D(2024, 1, 31)),
        ("二〇二四年二月二十九日", D(2024, 2, 29)),
        ("一九九九年七月一日", D(1999, 7, 1)),
        ("二〇二四 年 三 月 五 日", D(2024, 3, 5)),
    ],
)
def test_text_date_formats(written: str, expected: datetime.date) -> None:
    text = f"中共某某区委员会\n\n{written}\n"
    found = date_from_text(text)
    assert found == DocumentDate(expected, "text", f"{written} (text, line 3, tail)")


@pytest.mark.parametrize(
    "written",
    [
        "2024年2月30日",  # no such day
        "2023年2月29日",  # not a leap year
        "2024年13月1日",
        "2024年4月31日",
        "二〇二三年二月二十九日",
        "二〇二四年二月三十日",
        "1948年10月1日",  # before 1949
        f"{NEXT_YEAR + 1}年1月1日",  # the future
        "2024年3月份召开会议",  # a year-month inside a sentence is no dateline
        "3月5日",  # no year
        "12024年3月5日",  # part of a longer digit run
        "2024年",  # a year alone is no dateline
    ],
)
def test_invalid_or_partial_dates_are_rejected(written: str) -> None:
    assert date_from_text(f"标题\n{written}\n") is None


def test_a_date_never_spans_lines() -> None:
    # Only the year-month on a line of its own is read, not the day on the next.
    found = date_from_text("标题\n2024年3月\n5日\n")
    assert found == DocumentDate(D(2024, 3, 1), "text", "2024年3月 (text, line 2, tail)", "month")


def test_invalid_tail_date_falls_back_to_a_valid_one() -> None:
    text = "标题\n2024年3月1日\n" + BODY + "\n2024年3月4日\n2024年2月30日"
    found = date_from_text(text)
    assert found is not None and found.date == D(2024, 3, 4)


# --- which date is the document's --------------------------------------------


def test_signature_date_at_the_tail_beats_the_dateline_at_the_head() -> None:
    text = (
        "在全区经济工作会议上的讲话\n（2024年1月8日）\n"
        + BODY
        + "\n\n中共某某区委员会\n二〇二四年一月十日\n"
    )
    found = date_from_text(text)
    assert found is not None
    assert found.date == D(2024, 1, 10)
    assert found.evidence == "二〇二四年一月十日 (text, line 25, tail)"


def test_last_date_of_the_tail_is_the_signature() -> None:
    text = "标题\n" + BODY + "\n会议定于2024年5月6日召开。\n某某办公室\n2024年4月30日\n"
    found = date_from_text(text)
    assert found is not None and found.date == D(2024, 4, 30)


def test_head_dateline_when_the_tail_has_no_date() -> None:
    text = "某某日报 2023年11月2日\n本报讯\n" + BODY + "\n（责任编辑：张三）"
    found = date_from_text(text)
    assert found == DocumentDate(D(2023, 11, 2), "text", "2023年11月2日 (text, line 1, head)")


def test_first_date_of_the_head_is_the_dateline() -> None:
    text = "关于某事的通知\n2023年11月2日\n会议于2023年10月30日召开。\n" + BODY
    found = date_from_text(text)
    assert found is not None and found.date == D(2023, 11, 2)


def test_body_dates_are_ignored() -> None:
    body = BODY.replace("第10段", "2022年6月1日，第10段").replace("第12段", "二〇二二年六月二日")
    text = "标题\n作者\n单位\n摘要\n关键词\n" + body + "\n结束语\n附件\n抄送\n印发\n页码"
    assert "2022年6月1日" in text
    assert date_from_text(text) is None


def test_head_ends_after_five_lines() -> None:
    text = "一\n二\n三\n四\n五\n2024年3月5日\n" + BODY + "\n完"
    assert date_from_text(text) is None
    text = "一\n\n二\n\n三\n\n四\n\n2024年3月5日\n" + BODY + "\n完"  # blank lines do not count
    found = date_from_text(text)
    assert found is not None and found.evidence == "2024年3月5日 (text, line 9, head)"


def test_head_and_tail_are_cut_at_300_characters() -> None:
    long_line = "内容" * 200  # 400 characters
    assert date_from_text(f"{long_line}2024年3月5日{long_line}\n" + BODY) is None
    assert date_from_text(f"标题{long_line}2024年3月5日\n" + BODY) is None
    assert date_from_text(BODY + f"\n2024年3月5日{long_line}") is None
    found = date_from_text(BODY + f"\n{long_line}2024年3月5日")
    assert found is not None and found.date == D(2024, 3, 5)


def test_blank_text_has_no_date() -> None:
    assert date_from_text("") is None
    assert date_from_text(" \n\u3000\n") is None


# --- metadata ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.datetime(2024, 3, 5, 23, 59), D(2024, 3, 5)),
        (
            datetime.datetime(2024, 3, 5, 1, 0, tzinfo=datetime.UTC),
            D(2024, 3, 5),
        ),
        (D(2024, 3, 5), D(2024, 3, 5)),
        ("2024-03-05", D(2024, 3, 5)),
        ("2024-03-05T12:30:00+08:00", D(2024, 3, 5)),
        ("2024-03-05T23:30:00-05:00", D(2024, 3, 5)),  # as written: no zone conversion
        ("2024-03-05 12:30:00", D(2024, 3, 5)),
        ("2024-03-05T12:30:00.123Z", D(2024, 3, 5)),
        ("  2024/3/5 ", D(2024, 3, 5)),
        ("20240305", D(2024, 3, 5)),
        ("20240305T123000", D(2024, 3, 5)),
        ("D:20240305123000+08'00'", D(2024, 3, 5)),
        ("D:20240305123000Z", D(2024, 3, 5)),
        ("D:20240305", D(2024, 3, 5)),
        ("D:202403051230", D(2024, 3, 5)),
        (b"D:20240305123000+08'00'", D(2024, 3, 5)),
        ("2024年3月5日", D(2024, 3, 5)),
    ],
)
def test_parse_metadata_date(value: object, expected: datetime.date) -> None:
    assert parse_metadata_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "junk",
        "Tuesday",
        "D:",
        "D:2024",  # year only
        "D:202403",  # year and month only
        "D:2024030",  # seven digits
        "2024-02-30",
        "2024-13-01",
        "2024-03/05",
        "202403051",  # nine digits
        "1601-01-01T00:00:00Z",  # a zero FILETIME
        "1900-01-01",
        f"{NEXT_YEAR + 1}-01-01",
        datetime.date(1900, 1, 1),
        20240305,
        3.5,
        ["2024-03-05"],
        b"\xff\xfe",
    ],
)
def test_parse_metadata_date_junk(value: object) -> None:
    assert parse_metadata_date(value) is None


# --- precedence --------------------------------------------------------------

TEXT = "标题\n" + BODY + "\n某某办公室\n2022年7月1日"


def test_precedence_metadata_then_file_name_then_text() -> None:
    meta = document_date("讲话_20230405.txt", TEXT, D(2021, 2, 3))
    assert meta == DocumentDate(D(2021, 2, 3), "metadata", "metadata date 2021-02-03")

    name = document_date("讲话_20230405.txt", TEXT)
    assert name == DocumentDate(D(2023, 4, 5), "file name", "20230405 in file name")

    text = document_date("讲话.txt", TEXT)
    assert text is not None
    assert (text.date, text.source) == (D(2022, 7, 1), "text")
    assert text.evidence.startswith("2022年7月1日 (text, line ")

    assert document_date("讲话.txt", BODY) is None


def test_invalid_metadata_falls_through() -> None:
    found = document_date("讲话_20230405.txt", TEXT, D(1601, 1, 1))
    assert found is not None and found.source == "file name"
    found = document_date("讲话.txt", TEXT, "D:2024")
    assert found is not None and found.source == "text"


def test_metadata_accepts_raw_values_and_a_label() -> None:
    found = document_date("x.pdf", "", "D:20240305123000+08'00'", metadata_label="pdf CreationDate")
    assert found == DocumentDate(D(2024, 3, 5), "metadata", "pdf CreationDate 2024-03-05")
    found = document_date(
        "x.docx", "", datetime.datetime(2024, 3, 5, 9), metadata_label="docx created"
    )
    assert found is not None and found.evidence == "docx created 2024-03-05"


# --- precision: file names -----------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected", "precision", "matched"),
    [
        ("2025_国务院政府工作报告.txt", D(2025, 1, 1), "year", "2025"),
        ("/corpus/national/1954_国务院政府工作报告.txt", D(1954, 1, 1), "year", "1954"),
        ("2025政府工作报告.docx", D(2025, 1, 1), "year", "2025"),
        ("政府工作报告_2025.txt", D(2025, 1, 1), "year", "2025"),
        ("政府工作报告2025.txt", D(2025, 1, 1), "year", "2025"),
        ("国发〔2025〕3号.pdf", D(2025, 1, 1), "year", "2025"),
        ("2024年度工作总结.txt", D(2024, 1, 1), "year", "2024"),
        ("2025", D(2025, 1, 1), "year", "2025"),
        ("2024-03 月报.txt", D(2024, 3, 1), "month", "2024-03"),
        ("月报_2024_3.txt", D(2024, 3, 1), "month", "2024_3"),
        ("报告2024.03.pdf", D(2024, 3, 1), "month", "2024.03"),
        ("2024年3月工作要点.txt", D(2024, 3, 1), "month", "2024年3月"),
        ("二〇二四年三月工作要点.txt", D(2024, 3, 1), "month", "二〇二四年三月"),
        ("report.2024.03", D(2024, 3, 1), "month", "2024.03"),  # "03" is no extension
        ("20250305_2025_讲话.txt", D(2025, 3, 5), "day", "20250305"),  # most precise wins
        ("2025_讲话_2025-03-05.txt", D(2025, 3, 5), "day", "2025-03-05"),
        ("2025_讲话_2024-03.txt", D(2024, 3, 1), "month", "2024-03"),
    ],
)
def test_partial_dates_in_filename(
    path: str, expected: datetime.date, precision: str, matched: str
) -> None:
    assert date_from_filename(path) == DocumentDate(
        expected, "file name", f"{matched} in file name", precision
    )


@pytest.mark.parametrize(
    ("path", "year", "matched"),
    [
        (
            "第十四届全国人民代表大会第三次会议关于政府工作报告的决议.txt",
            2025,
            "第十四届全国人民代表大会第三次会议",
        ),
        ("第十届全国人民代表大会第五次会议决议.txt", 2007, "第十届全国人民代表大会第五次会议"),
        ("第二届全国人民代表大会第三次会议决议.txt", 1962, "第二届全国人民代表大会第三次会议"),
        ("第6届全国人民代表大会第1次会议.txt", 1983, "第6届全国人民代表大会第1次会议"),
        (
            "09_在中国共产党第九次全国代表大会上的报告.txt",
            1969,
            "中国共产党第九次全国代表大会",
        ),
        (
            "陈独秀在中國共產黨第三次全國代表大會上的報告.txt",  # traditional; before 1949
            1923,
            "中國共產黨第三次全國代表大會",
        ),
        ("中国共产党第二十次全国代表大会报告.txt", 2022, "中国共产党第二十次全国代表大会"),
    ],
)
def test_congress_sessions_in_filename(path: str, year: int, matched: str) -> None:
    assert date_from_filename(path) == DocumentDate(
        D(year, 1, 1), "file name", f"{matched} ({year}) in file name", "year"
    )


@pytest.mark.parametrize(
    "path",
    [
        "中国共产党第八次全国代表大会第二次会议文件.txt",  # a later session of the 8th (1958)
        "第三届全国人民代表大会第二次会议.txt",  # the 3rd NPC had one session
        "第十四届全国人民代表大会第六次会议.txt",  # five sessions a congress
        "第三十届全国人民代表大会第一次会议.txt",  # the future
        "第十十届全国人民代表大会第一次会议.txt",  # not a number
        "第十四届全国人民代表大会常务委员会第十次会议.txt",  # the standing committee
        "十四届全国人大三次会议精神.txt",  # abbreviated
    ],
)
def test_no_congress_session_in_filename(path: str) -> None:
    assert date_from_filename(path) is None


def test_written_year_beats_a_session_in_filename() -> None:
    found = date_from_filename("2024_第十四届全国人民代表大会第三次会议.txt")
    assert found is not None and (found.date, found.evidence) == (
        D(2024, 1, 1),
        "2024 in file name",
    )


def test_npc_and_cpc_years() -> None:
    assert [npc_session_year(14, k) for k in (1, 2, 3)] == [2023, 2024, 2025]
    assert npc_session_year(30, 1) is None  # the future
    assert [npc_session_year(5, k) for k in range(1, 6)] == [1978, 1979, 1980, 1981, 1982]
    assert (npc_session_year(6, 1), npc_session_year(13, 3), npc_session_year(1, 6)) == (
        1983,
        2020,
        None,
    )
    assert [cpc_congress_year(n) for n in (1, 7, 8, 11, 12, 13, 19)] == [
        1921,
        1945,
        1956,
        1977,
        1982,
        1987,
        2017,
    ]
    assert cpc_congress_year(0) is None


# --- precision: text -----------------------------------------------------------

MENU = "\n".join(
    ["您的位置:", "首页", ">", "要闻", "2026年政府工作报告", "来源：日报", "【字体：大 中 小】"]
)


def test_speech_dateline_below_a_web_page_menu() -> None:
    text = f"{MENU}\n——2026年1月28日在某某省第十四届人民代表大会第四次会议上\n省长 某某\n{BODY}"
    found = date_from_text(text)
    assert found == DocumentDate(
        D(2026, 1, 28), "text", "2026年1月28日 (text, line 8, dateline)", "day"
    )


def test_resolution_dateline() -> None:
    text = (
        "关于政府工作报告的决议\n"
        + "\n".join(["说明"] * 6)
        + "\n（2025年3月11日第十四届全国人民代表大会第三次会议通过）\n"
        + BODY
    )
    found = date_from_text(text)
    assert found is not None and found.date == D(2025, 3, 11) and found.precision == "day"
    assert found.evidence.endswith("(text, line 8, dateline)")


def test_a_date_in_the_body_below_a_dash_is_no_dateline() -> None:
    # Only a dash followed by 在, or a bracket with 通过/会议, makes a dateline.
    text = f"{MENU}\n——2026年1月28日，全省上下共同努力。\n（2026年1月28日）\n{BODY}"
    assert date_from_text(text) is None


def test_year_month_dateline_on_its_own_line() -> None:
    text = f"在全区工作会议上的讲话\n（2024年3月）\n{BODY}\n完"
    assert date_from_text(text) == DocumentDate(
        D(2024, 3, 1), "text", "2024年3月 (text, line 2, head)", "month"
    )
    text = f"标题\n{BODY}\n某某办公室\n二〇二四年十二月"
    found = date_from_text(text)
    assert found is not None and (found.date, found.precision) == (D(2024, 12, 1), "month")
    # A year-month inside a sentence is about an event.
    assert date_from_text(f"标题\n本届政府1998年3月就职。\n{BODY}\n完") is None


def test_full_dates_beat_a_month_dateline() -> None:
    text = f"标题\n（2024年3月）\n{BODY}\n某某办公室\n2024年4月30日"
    found = date_from_text(text)
    assert found is not None and (found.date, found.precision) == (D(2024, 4, 30), "day")


def test_congress_session_at_the_head() -> None:
    text = "各位代表：\n现在，我代表国务院，向第十届全国人民代表大会第一次会议报告工作。\n" + BODY
    assert date_from_text(text) == DocumentDate(
        D(2003, 1, 1),
        "text",
        "第十届全国人民代表大会第一次会议 (2003) (text, line 2, head)",
        "year",
    )
    text = "同志们！\n中国共产党第九次全国代表大会，将是一次有深远影响的代表大会。\n" + BODY
    found = date_from_text(text)
    assert found is not None and (found.date, found.precision) == (D(1969, 1, 1), "year")


def test_congress_sessions_outside_the_head_or_abbreviated_are_ignored() -> None:
    assert date_from_text("一\n二\n三\n四\n五\n第十届全国人民代表大会第一次会议\n" + BODY) is None
    # A report looks back on an earlier congress as 党的第N次: not read.
    text = "同志们：\n党的第十二次全国代表大会，提出了全面开创新局面的纲领。\n" + BODY
    assert date_from_text(text) is None


def test_a_dated_head_beats_a_session() -> None:
    text = "报告\n——2025年3月5日在第十四届全国人民代表大会第三次会议上\n" + BODY
    found = date_from_text(text)
    assert found is not None and (found.date, found.precision) == (D(2025, 3, 5), "day")


# --- precision: which date is the document's -----------------------------------

DATELINE = "政府工作报告\n——2025年3月5日在第十四届全国人民代表大会第三次会议上\n" + BODY


def test_a_full_dateline_refines_the_year_of_the_file_name() -> None:
    assert document_date("2025_国务院政府工作报告.txt", DATELINE) == DocumentDate(
        D(2025, 3, 5), "text", "2025年3月5日 (text, line 2, head)", "day"
    )
    # Without it, the file name's year, never 1 January as a day.
    found = document_date("2025_国务院政府工作报告.txt", "各位代表：\n" + BODY)
    assert found == DocumentDate(D(2025, 1, 1), "file name", "2025 in file name", "year")


def test_a_text_date_that_contradicts_the_file_name_is_dropped() -> None:
    text = DATELINE.replace("2025年3月5日", "2024年12月30日")
    found = document_date("2025_国务院政府工作报告.txt", text)
    assert found == DocumentDate(D(2025, 1, 1), "file name", "2025 in file name", "year")
    found = document_date("2025-03_报告.txt", text.replace("2024年12月30日", "2025年4月1日"))
    assert found is not None and (found.date, found.precision) == (D(2025, 3, 1), "month")


def test_equally_precise_file_name_beats_text() -> None:
    text = "决议\n第十四届全国人民代表大会第三次会议听取了报告。\n" + BODY
    found = document_date("2025_决议.txt", text)
    assert found == DocumentDate(D(2025, 1, 1), "file name", "2025 in file name", "year")
    # A session the text names dates a file whose name has none.
    found = document_date("决议.txt", text)
    assert found is not None and (found.date, found.source, found.precision) == (
        D(2025, 1, 1),
        "text",
        "year",
    )


def test_metadata_beats_a_more_precise_looking_text() -> None:
    found = document_date("2025_报告.docx", DATELINE, D(2025, 2, 1))
    assert found == DocumentDate(D(2025, 2, 1), "metadata", "metadata date 2025-02-01", "day")


@pytest.mark.parametrize(
    ("a", "pa", "b", "pb", "expected"),
    [
        (D(2024, 1, 1), "year", D(2025, 3, 5), "day", -1),
        (D(2025, 1, 1), "year", D(2025, 3, 5), "day", 0),
        (D(2025, 3, 5), "day", D(2025, 1, 1), "year", 0),
        (D(2026, 1, 1), "year", D(2025, 12, 31), "day", 1),
        (D(2025, 3, 1), "month", D(2025, 3, 31), "day", 0),
        (D(2025, 3, 1), "month", D(2025, 4, 1), "day", -1),
        (D(2025, 3, 1), "month", D(2025, 1, 1), "year", 0),
        (D(2025, 3, 5), None, D(2025, 3, 6), "day", -1),  # stored before precisions: a day
        (D(2025, 3, 5), "day", D(2025, 3, 5), "day", 0),
    ],
)
def test_compare_dates_at_the_coarser_precision(
    a: datetime.date, pa: str | None, b: datetime.date, pb: str, expected: int
) -> None:
    assert compare_dates(a, pa, b, pb) == expected
    assert compare_dates(b, pb, a, pa) == -expected


def test_format_date() -> None:
    assert [format_date(D(2025, 3, 5), p) for p in ("year", "month", "day", None)] == [
        "2025",
        "2025-03",
        "2025-03-05",
        "2025-03-05",
    ]


# --- end to end: a scan stores dates and precisions; provenance respects them ---

#: Chinese characters: random sentences of them share nothing by chance (and
#: hold no date: no 年, 月, 日).
HANZI = [chr(c) for c in range(0x4E00, 0x4E00 + 3000) if chr(c) not in "年月日"]


def sentence(rng: random.Random) -> str:
    return "".join(rng.choice(HANZI) for _ in range(28)) + "。"


def test_scan_stores_precisions_and_provenance_compares_at_the_coarser_one(
    tmp_path: Path,
) -> None:
    rng = random.Random(11)
    pool = [sentence(rng) for _ in range(60)]
    s1, s2, s3, s4, s5, s6 = ("".join(pool[i : i + 8]) for i in range(0, 48, 8))
    filler = iter(pool[48:])

    def own() -> str:
        return next(filler)

    c = tmp_path / "reports"
    write(c / "2024_年度报告.txt", f"各位代表：\n{own()}\n{s1}\n{own()}\n{s4}\n")
    report = "政府工作报告\n——2025年3月5日在第十四届全国人民代表大会第三次会议上\n"
    write(c / "2025_政府工作报告.txt", f"{report}{own()}\n{s1}\n{own()}\n{s2}\n{s5}\n{s6}\n")
    write(
        c / "第十四届全国人民代表大会第三次会议关于政府工作报告的决议.txt",
        f"{own()}\n{s2}\n{own()}\n{s3}\n",
    )
    write(c / "2026-01-27_省政府工作报告.txt", f"{own()}\n{s3}\n")
    write(c / "讲话.txt", f"同志们：\n{own()}\n{s4}\n")
    write(c / "2025-02_通报.txt", f"{own()}\n{s5}\n")
    write(c / "2025-03_通报.txt", f"{own()}\n{s6}\n")
    db = tmp_path / "p.duckdb"
    scan([c], db, Config())

    def short(path: str) -> str:
        name = path.split("/")[-1]
        return "决议" if name.startswith("第十四届") else name

    con = duckdb.connect(str(db), read_only=True)
    dates = {
        short(p): (str(d) if d else None, src, prec)
        for p, d, src, prec in con.execute(
            "SELECT path, doc_date, date_source, date_precision FROM documents"
        ).fetchall()
    }
    assert dates == {
        "2024_年度报告.txt": ("2024-01-01", "file name", "year"),
        "2025_政府工作报告.txt": ("2025-03-05", "text", "day"),
        "决议": ("2025-01-01", "file name", "year"),
        "2026-01-27_省政府工作报告.txt": ("2026-01-27", "file name", "day"),
        "讲话.txt": (None, None, None),
        "2025-02_通报.txt": ("2025-02-01", "file name", "month"),
        "2025-03_通报.txt": ("2025-03-01", "file name", "month"),
    }

    judged = {}
    for pa, pb, side, source_doc, doc_a, doc_b, evidence in con.execute(
        "SELECT path_a, path_b, likely_source, source_doc, doc_a, doc_b, evidence "
        "FROM match_provenance WHERE kind = 'reuse'"
    ).fetchall():
        pair = frozenset((short(pa), short(pb)))
        source = {"a": short(pa), "b": short(pb), None: None}[side]
        assert source_doc == {"a": doc_a, "b": doc_b, None: None}[side]
        assert judged.setdefault(pair, (source, evidence)) == (source, evidence)
    con.close()
    assert {pair: source for pair, (source, _) in judged.items()} == {
        # 2024 (a year) is earlier than 2025-03-05 (a day)
        frozenset(("2024_年度报告.txt", "2025_政府工作报告.txt")): "2024_年度报告.txt",
        # 2025 (a year) and 2025-03-05: the same year, undecided
        frozenset(("2025_政府工作报告.txt", "决议")): None,
        # 2025 (a year) is earlier than 2026-01-27
        frozenset(("决议", "2026-01-27_省政府工作报告.txt")): "决议",
        # an undated document: undecided
        frozenset(("2024_年度报告.txt", "讲话.txt")): None,
        # 2025-02 (a month) is earlier than 2025-03-05; 2025-03 and 2025-03-05 are undecided
        frozenset(("2025-02_通报.txt", "2025_政府工作报告.txt")): "2025-02_通报.txt",
        frozenset(("2025-03_通报.txt", "2025_政府工作报告.txt")): None,
    }
    evidence = {pair: e for pair, (_, e) in judged.items()}
    assert evidence[frozenset(("2024_年度报告.txt", "2025_政府工作报告.txt"))].endswith(
        ", compared by year"
    )
    assert (
        "2024 (file name: 2024 in file name)"
        in evidence[frozenset(("2024_年度报告.txt", "2025_政府工作报告.txt"))]
    )
    assert "the same year, undecided" in evidence[frozenset(("2025_政府工作报告.txt", "决议"))]
    assert (
        "the same month, undecided"
        in evidence[frozenset(("2025-03_通报.txt", "2025_政府工作报告.txt"))]
    )
    assert evidence[frozenset(("2024_年度报告.txt", "讲话.txt"))].startswith("only ")

    # The CLI and the canned query tell the same story.
    out = CliRunner().invoke(app, ["provenance", "--db", str(db), "--format", "json"])
    records = {
        frozenset((short(r["path_a"]), short(r["path_b"]))): r["source"] and short(r["source"])
        for r in json.loads(out.output)
    }
    assert records == {pair: source for pair, (source, _) in judged.items()}
    out = CliRunner().invoke(app, ["query", "who_copied_whom", "--db", str(db), "--format", "json"])
    who = json.loads(out.output)
    assert {
        (r["source"] and short(r["source"]), short(r["copy"]) if r["copy"] else None)
        for r in who
        if r["source"]
    } == {
        ("2024_年度报告.txt", "2025_政府工作报告.txt"),
        ("决议", "2026-01-27_省政府工作报告.txt"),
        ("2025-02_通报.txt", "2025_政府工作报告.txt"),
    }
