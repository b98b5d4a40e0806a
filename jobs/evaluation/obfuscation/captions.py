"""Captions and bylines: the news furniture inserted into layout passages and
republications, with made-up places, events and people.

A caption or a long byline is claimed in the pool like real text, so it is
unique at 12-gram level; a short byline ("（记者 王伟）") is shorter than a
12-gram and always safe.
"""

from __future__ import annotations

import random

from jobs.evaluation.obfuscation.pool import TextPool

CAPTION_PLACES = (
    "滨湖区",
    "梁溪区",
    "新吴区",
    "锡山区",
    "惠山区",
    "江阴市",
    "宜兴市",
    "太湖街道",
    "华庄街道",
    "万欣社区",
    "金城湾社区",
    "东亭街道",
    "鹅湖镇",
    "羊尖镇",
    "洛社镇",
    "玉祁街道",
    "硕放街道",
    "旺庄街道",
    "梅村街道",
    "鸿山街道",
    "蠡园开发区",
    "马山街道",
    "雪浪街道",
    "河埒街道",
)
CAPTION_EVENTS = (
    "举办党建成果展评会",
    "开展志愿服务",
    "举办招聘会",
    "召开推进会",
    "举行签约仪式",
    "开展消防演练",
    "举办丰收节",
    "开展义诊",
    "举办读书会",
    "开展文明实践活动",
    "举行团拜会",
    "召开观摩会",
    "开展防汛演练",
    "开展垃圾分类宣传",
    "举办文艺汇演",
    "开展安全检查",
    "举办技能大赛",
    "开展普法宣传",
    "举行开工仪式",
    "召开座谈会",
    "举办运动会",
    "开展走访慰问",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯晨欣雪琳晓峰"


def person(rng: random.Random) -> str:
    """A made-up name: a surname and one or two given-name characters."""
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def caption(rng: random.Random, pool: TextPool, tries: int = 100) -> str:
    """A photo caption unique at 12-gram level (claimed in ``pool``), else a byline.

    E.g. "（图为滨湖区举办招聘会现场。记者 王伟 摄）".
    """
    for _ in range(tries):
        place, event = rng.choice(CAPTION_PLACES), rng.choice(CAPTION_EVENTS)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        text = rng.choice(
            (
                f"（图为{place}{event}现场。记者 {person(rng)} 摄）",
                f"（{month}月{day}日，{place}{event}。记者 {person(rng)} 摄）",
                f"图为{month}月{day}日，{place}{event}。{person(rng)} 摄",
                f"（{place}{event}。通讯员 {person(rng)} 供图）",
            )
        )
        if pool.claim(text):
            return text
    return f"（记者 {person(rng)}）"  # shorter than a 12-gram: always safe


def byline(rng: random.Random, pool: TextPool) -> str:
    """A reporter's byline, e.g. "（记者 王伟）" (too short to share a 12-gram) or a
    longer one claimed in ``pool``."""
    text = f"本报记者 {person(rng)} 通讯员 {person(rng)}"
    if rng.random() < 0.5 or not pool.claim(text):
        text = f"（记者 {person(rng)}）"
    return text
