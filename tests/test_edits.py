"""Typed edits of a reused segment (reuse.edits)."""

from __future__ import annotations

import random

import pytest

from reuse.edits import CATEGORIES, Edit, MatchSide, jieba_words, typed_edits
from reuse.text.normalise import normalise


def diff(a: str, b: str, **kwargs) -> list[Edit]:
    """Typed edits between two whole texts (the passage is the whole document)."""
    na, nb = normalise(a), normalise(b)
    return typed_edits(
        MatchSide(a, na, 0, len(na.text)), MatchSide(b, nb, 0, len(nb.text)), **kwargs
    )


def check_offsets(a: str, b: str, edits: list[Edit]) -> None:
    """The invariants every edit list keeps."""
    previous_a = previous_b = 0
    for e in edits:
        assert e.category in CATEGORIES
        assert 0 <= e.a_start <= e.a_end <= len(a) and 0 <= e.b_start <= e.b_end <= len(b)
        assert e.old_text == a[e.a_start : e.a_end]
        assert e.new_text == b[e.b_start : e.b_end]
        assert e.op == "insert" if e.a_start == e.a_end else True
        assert e.op == "delete" if e.b_start == e.b_end else True
        assert (e.op == "substitute") == (e.a_start < e.a_end and e.b_start < e.b_end)
        assert e.a_start >= previous_a and e.b_start >= previous_b  # A (and B) order
        previous_a, previous_b = e.a_end, e.b_end


def test_identical_passages_have_no_edits():
    text = "会议在北京市召开，与会代表认真讨论了工作报告。"
    assert diff(text, text) == []
    # Differences that normalisation folds away (full width, line breaks) are no edits.
    assert diff("第１２条\n规定", "第12条规定") == []


def test_place_name_substitution_widened_to_words():
    a, b = "会议在北京市召开，代表们认真讨论。", "会议在上海市召开，代表们认真讨论。"
    (e,) = diff(a, b)
    assert (e.op, e.old_text, e.new_text) == ("substitute", "北京市", "上海市")
    assert (e.a_start, e.a_end, e.b_start, e.b_end) == (3, 6, 3, 6)
    assert e.category == "place"
    assert "ns" in e.pos.split(",")


def test_place_names_jieba_tags_otherwise():
    # jieba tags 杨浦区/nr, 徐汇区/nr, 金水区/n: re-tagged from their place suffix.
    (e,) = diff("会议在杨浦区召开", "会议在徐汇区召开")
    assert (e.old_text, e.new_text, e.category) == ("杨浦区", "徐汇区", "place")
    (e,) = diff("会议在朝阳区召开", "会议在浦东新区召开")
    assert (e.old_text, e.new_text, e.category) == ("朝阳区", "浦东新区", "place")
    (e,) = diff("会议在历下区召开", "会议在金水区召开")
    assert e.category == "place"


def test_only_date_changed():
    a = "会议于2024年3月5日上午在市政府召开。"
    b = "会议于2025年4月6日下午在市政府召开。"
    edits = diff(a, b)
    assert [e.old_text for e in edits] == ["2024", "3", "5", "上午"]
    assert [e.new_text for e in edits] == ["2025", "4", "6", "下午"]
    assert {e.category for e in edits} == {"date"}
    (e,) = diff("会议于三月五日召开", "会议于四月六日召开")
    assert e.category == "date"


def test_durations_are_numbers_not_dates():
    (e,) = diff("处三年以下有期徒刑", "处五年以下有期徒刑")
    assert e.category == "number"
    (e,) = diff("应当在三十日内作出决定", "应当在十五日内作出决定")
    assert e.category == "number"


def test_number_change():
    (e,) = diff("共有3个社区参加试点。", "共有5个社区参加试点。")
    assert (e.op, e.old_text, e.new_text, e.category) == ("substitute", "3", "5", "number")
    assert "m" in e.pos
    (e,) = diff("第三条 本法所称", "第五条 本法所称")
    assert (e.old_text, e.new_text, e.category) == ("第三条", "第五条", "number")


def test_person_and_organisation():
    (e,) = diff("会议由张伟同志主持", "会议由李明华同志主持")
    assert (e.old_text, e.new_text, e.category) == ("张伟", "李明华", "person")
    (e,) = diff("经国务院批准后施行", "经全国人民代表大会常务委员会批准后施行")
    assert (e.old_text, e.category, e.pos) == ("国务院", "organisation", "nt")


def test_punctuation_change():
    (e,) = diff("依法作出处理决定。", "依法作出处理决定；")
    assert (e.old_text, e.new_text, e.category) == ("。", "；", "punctuation")


def test_caption_inserted_mid_text_at_original_offsets():
    caption = "（图为会议现场 记者 张三 摄）"
    a = "会议在北京召开，与会代表认真讨论。"
    b = "会议在北京召开，" + caption + "与会代表认真讨论。"
    (e,) = diff(a, b)
    assert (e.op, e.category) == ("insert", "caption")
    assert e.a_start == e.a_end == a.index("与")
    assert (e.b_start, e.b_end) == (b.index("（"), b.index("）") + 1)
    assert e.new_text == caption and e.old_text == ""


def test_caption_on_its_own_line():
    caption = "（图为会议现场 记者 张三 摄）"
    a = "会议在北京召开。\n与会代表认真讨论。"
    b = "会议在北京召开。\n" + caption + "\n与会代表认真讨论。"
    (e,) = diff(a, b)
    assert (e.op, e.category, e.new_text) == ("insert", "caption", caption)
    # The line break vanishes in normalisation: the insertion point in A is the
    # original position of the next normalised character.
    assert e.a_start == e.a_end == a.index("与")
    assert e.b_start == b.index(caption)


def test_uncredited_caption_line_dropped_into_a_sentence():
    a = "开展活动135次，带动更多的党员群众参与。"
    line = "无锡经济开发区举办社区党建品牌项目成果展评会。"
    b = "开展活动1\n\n" + line + "\n\n35次，带动更多的党员群众参与。"
    (e,) = diff(a, b)
    assert (e.op, e.category) == ("insert", "caption")
    assert e.new_text == line
    # The same line between two sentences is an ordinary insertion.
    a = "开展活动135次。\n\n带动更多的党员群众参与。"
    b = "开展活动135次。\n\n" + line + "\n\n带动更多的党员群众参与。"
    (e,) = diff(a, b)
    assert e.category == "other"


def test_byline_insertion():
    a = "近年来，江苏无锡经济开发区主动顺应城市化快速推进的新形势。"
    b = "本报讯（记者 李四）近年来，江苏无锡经济开发区主动顺应城市化快速推进的新形势。"
    (e,) = diff(a, b)
    assert (e.op, e.category, e.new_text) == ("insert", "byline", "本报讯（记者 李四）")
    assert (e.a_start, e.a_end, e.b_start, e.b_end) == (0, 0, 0, 10)
    (e,) = diff(a, "新华社北京3月5日电 " + a)
    assert e.category == "byline"
    (e,) = diff(a, a + "\n责任编辑：王五")
    assert (e.category, e.new_text) == ("byline", "责任编辑：王五")


def test_page_number_between_lines():
    a = "打开基层治理\n新局面，不断强化城市基层党组织。"
    b = "打开基层治理\n- 12 -\n新局面，不断强化城市基层党组织。"
    # Normalisation drops the line breaks next to Han characters but keeps the
    # spaces inside the marker (between narrow characters).
    assert normalise(b).text.startswith("打开基层治理- 12 -新局面")
    (e,) = diff(a, b)
    assert (e.op, e.category, e.new_text) == ("insert", "page_number", "- 12 -")
    assert e.a_start == e.a_end == a.index("新")
    assert (e.b_start, e.b_end) == (b.index("-"), b.index("-") + 6)
    for marker in ("12", "—12—", "第12页", "12/40", "Page 12"):
        (e,) = diff(a, b.replace("- 12 -", marker))
        assert (e.category, e.new_text) == ("page_number", marker), marker
    # A bare number inside a line is not a page number.
    (e,) = diff("共有社区参加", "共有12社区参加")
    assert e.category == "number"


def test_page_number_deleted():
    a = "打开基层治理\n3\n新局面，不断强化。"
    b = "打开基层治理新局面，不断强化。"
    (e,) = diff(a, b)
    assert (e.op, e.category, e.old_text, e.new_text) == ("delete", "page_number", "3", "")
    assert e.b_start == e.b_end == b.index("新")


def test_deletion_and_insertion():
    a, b = "会议强调，要全面加强基层管理。", "会议强调，要加强基层管理。"
    (e,) = diff(a, b)
    assert (e.op, e.old_text, e.new_text) == ("delete", "全面", "")
    assert (e.a_start, e.a_end) == (6, 8) and e.b_start == e.b_end == 6
    (e,) = diff(b, a)
    assert (e.op, e.old_text, e.new_text) == ("insert", "", "全面")
    assert e.a_start == e.a_end == 6 and (e.b_start, e.b_end) == (6, 8)


def test_adjacent_character_edits_merge():
    (e,) = diff("江苏。经济开发区", "江苏无锡经济开发区")
    assert (e.op, e.old_text, e.new_text) == ("substitute", "。", "无锡")


def test_original_offsets_with_folded_characters():
    a = (
        "第一条\u3000为了规范管理，\r\n根据《中华人民共和國憲法》，制定本條例。"
        "\n\n第２条　本条例适用于全市。"
    )
    b = "第一条 为了加强管理,根据《中华人民共和国宪法》,制定本条例。第3条 本条例适用于全省。"
    edits = diff(a, b)
    check_offsets(a, b, edits)
    assert [(e.old_text, e.new_text) for e in edits] == [
        ("规范", "加强"),
        ("２", "3"),
        ("全市", "全省"),
    ]
    assert edits[1].category == "number"


def test_passage_inside_documents_uses_document_offsets():
    head_a, head_b = "标题\n\n甲乙丙丁。", "另一个标题\n\n"
    a = head_a + "会议在北京市召开，代表们认真讨论。" + "尾部不同的内容"
    b = head_b + "会议在上海市召开，代表们认真讨论。" + "完全另外的结尾"
    na, nb = normalise(a), normalise(b)
    a0 = na.text.index("会议")
    b0 = nb.text.index("会议")
    length = len("会议在北京市召开,代表们认真讨论。")
    (e,) = typed_edits(MatchSide(a, na, a0, a0 + length), MatchSide(b, nb, b0, b0 + length))
    assert (e.old_text, e.new_text) == ("北京市", "上海市")
    assert e.a_start == a.index("北京市") and e.b_start == b.index("上海市")


def test_insert_at_passage_end_goes_after_the_last_character():
    a = "会议在北京召开。\n\n下一段"
    b = "会议在北京召开。（记者 张三 摄）\n\n下一段"
    na, nb = normalise(a), normalise(b)
    a1 = na.text.index("下")
    b1 = nb.text.index("下")
    (e,) = typed_edits(MatchSide(a, na, 0, a1), MatchSide(b, nb, 0, b1))
    assert (e.op, e.category) == ("insert", "caption")
    assert e.a_start == e.a_end == a.index("。") + 1


def test_max_edits_keeps_the_first_edits():
    a = "".join(f"第{i}项工作由北京市负责。" for i in range(10))
    b = "".join(f"第{i}项工作由上海市负责。" for i in range(10))
    all_edits = diff(a, b)
    assert len(all_edits) == 10
    assert diff(a, b, max_edits=3) == all_edits[:3]
    assert diff(a, b, max_edits=0) == []


def test_deterministic():
    rng = random.Random(11)
    base = (
        "县级以上人民政府应当加强对本行政区域内安全生产工作的领导，"
        "支持、督促各有关部门依法履行职责。"
    )
    words = ["北京市", "三十日", "国务院", "，", "2024年", "张伟", "全面"]
    chars = list(base)
    for _ in range(6):
        chars.insert(rng.randrange(len(chars)), rng.choice(words))
    b = "".join(chars)
    first = diff(base, b)
    for cached in (jieba_words.tag_text, jieba_words._block, jieba_words._hmm):
        cached.cache_clear()
    jieba_words._block_hmm.cache_clear()
    assert diff(base, b) == first
    check_offsets(base, b, first)


def test_random_edits_keep_offsets_exact():
    rng = random.Random(3)
    pieces = [
        "会议",
        "北京",
        "２０２４年",
        "\n",
        "　",
        "國家",
        "，",
        "（一）",
        "①",
        "Ａ",
        " ",
        "。",
    ]
    for _ in range(40):
        a = "".join(rng.choice(pieces) for _ in range(30))
        chars = list(a)
        for _ in range(rng.randrange(1, 6)):
            k = rng.randrange(len(chars) + 1)
            if rng.random() < 0.5 and k < len(chars):
                del chars[k]
            else:
                chars.insert(k, rng.choice(pieces))
        b = "".join(chars)
        check_offsets(a, b, diff(a, b))


def test_words_are_jiebas_words_of_the_whole_document():
    # Blocks segmented one at a time, the HMM everywhere: jieba.posseg.cut's words.
    import jieba.posseg

    text = normalise(
        "第一条 为了规范管理，根据《中华人民共和国宪法》，制定本条例。2014年2月25日上海市"
        "第十四届人民代表大会常务委员会第十一次会议通过。等10件地方性法规由张伟同志负责。"
    ).text
    tokens = jieba_words.text_tokens(text, 0, len(text), 0, len(text))
    assert [(w, t) for _, _, w, t in tokens] == [
        (p.word, p.flag) for p in jieba.posseg.cut(text, HMM=True)
    ]
    assert all(text[s:e] == w for s, e, w, _ in tokens)
    assert [t[0] for t in tokens[1:]] == [t[1] for t in tokens[:-1]]


def test_compiled_router_gives_jiebas_route_with_ascii_runs_split_back() -> None:
    jieba_words.load_jieba(compiled=True)
    jb = jieba_words.jieba_state()
    assert jb.compiled_cut is not None, "rjieba is a dependency and passed its check"
    blocks = [
        "持续防范化解重点领域风险着力稳就业稳企业稳市场稳预期",
        "郑州市第九届人民代表大会常务委员会第七次会议通过",
        "氢氘氚锗铟碲铋钋砹氡",
        "1000总吨以上的海上机动船舶",  # rjieba's cut joins 1000; jieba's route does not
        "A股市场3D打印",
        "IC卡和IP电话x86_64及C++语言",
        "第12条第3.5款",
    ]
    for block in blocks:
        assert jieba_words.route_words(block) == jieba_words._route_words(
            block, jieba_words._route(block, jb)
        )
    assert jieba_words.route_words("1000米")[:4] == ["1", "0", "0", "0"]


def test_dictionary_has_no_word_of_ascii_letters_and_digits_only() -> None:
    """What splitting the compiled router's joined ASCII runs back relies on."""
    import re

    jb = jieba_words.jieba_state()
    ascii_run = re.compile("[a-zA-Z0-9]{2,}")
    assert not [w for w, f in jb.freq.items() if f and ascii_run.fullmatch(w)]


def test_compiled_router_that_disagrees_with_jieba_is_not_used(monkeypatch) -> None:
    import jieba
    import rjieba

    jb = jieba_words.jieba_state()
    assert jieba_words._compiled_cut(jb, jieba) is not None
    monkeypatch.setattr(rjieba, "cut", lambda text, hmm: list(text))
    assert jieba_words._compiled_cut(jb, jieba) is None


def test_words_come_from_the_whole_block_not_a_window():
    # 人民代表大会常务委员会 is one jieba word (nt): the edit covers all of it.
    a = "2014年2月25日上海市第十四届人民代表大会常务委员会第十一次会议通过"
    b = "2014年2月25日第十届全国人民代表大会常务委员会第十一次会议通过"
    (e,) = diff(a, b)
    assert e.old_text == "上海市第十四届人民代表大会常务委员会"
    assert e.new_text == "第十届全国人民代表大会常务委员会"
    assert e.category == "organisation"


def test_bad_passage_range():
    n = normalise("会议")
    with pytest.raises(ValueError):
        typed_edits(MatchSide("会议", n, 0, 5), MatchSide("会议", n, 0, 2))


def test_prefix_dictionary_from_the_cache_equals_jiebas_own(tmp_path):
    import jieba

    built = jieba.Tokenizer()
    built.tmp_dir = str(tmp_path)
    jieba_words.load_prefix_dictionary(built)  # no cache yet: jieba builds and writes it
    assert (tmp_path / "jieba.cache").is_file() and built.initialized

    cached = jieba.Tokenizer()
    cached.tmp_dir = str(tmp_path)
    jieba_words.load_prefix_dictionary(cached)
    assert cached.initialized
    assert cached.total == built.total and cached.FREQ == built.FREQ
    sentence = "在北京市召开人民代表大会"
    assert list(cached.cut(sentence)) == list(built.cut(sentence))

    (tmp_path / "jieba.cache").write_bytes(b"not a marshal file")
    broken = jieba.Tokenizer()
    broken.tmp_dir = str(tmp_path)
    jieba_words.load_prefix_dictionary(broken)  # jieba's own load fails too and rebuilds
    assert broken.total == built.total and broken.FREQ == built.FREQ


def test_structural_rules_apply_in_table_order() -> None:
    from reuse.edits.rules import STRUCTURAL_RULES, structural

    assert [c for c, _ in STRUCTURAL_RULES] == [
        "page_number",
        "caption",
        "caption",
        "byline",
        "caption",
    ]
    page = "前文\n12\n后文"
    assert structural("12", page, 3, 5, mid_sentence=True) == "page_number"  # not a caption
    line = "上文\n新华社记者 张三 摄\n下文"
    assert structural("新华社记者 张三 摄", line, 3, 12) == "caption"
    dropped = "上文\n一行标题\n下文"
    assert structural("一行标题", dropped, 3, 7, mid_sentence=True) == "caption"
    assert structural("一行标题", dropped, 3, 7, mid_sentence=False) is None
