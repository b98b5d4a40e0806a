"""Document dates from metadata, file names and text (head dateline or tail signature)."""

from __future__ import annotations

import datetime

import pytest

from reuse.provenance import (
    DocumentDate,
    date_from_filename,
    date_from_text,
    document_date,
    parse_metadata_date,
)

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
        "2024-03 月报.txt",  # year and month only
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
        "2024年3月",  # year and month only
        "3月5日",  # no year
        "12024年3月5日",  # part of a longer digit run
        "2024年3月\n5日",  # a date never spans lines
    ],
)
def test_invalid_or_partial_dates_are_rejected(written: str) -> None:
    assert date_from_text(f"标题\n{written}\n") is None


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
