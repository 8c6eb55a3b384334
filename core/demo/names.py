"""Chinese names for the demo cooperative: people, villages, branches and teams,
plus the personal data a borrower record carries (mobile number, resident ID number).
"""

from __future__ import annotations

import random
from datetime import date
from itertools import accumulate

# Ordered roughly by how common they are; the weights below favour the front.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
    "彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
    "石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
_SURNAME_CUM_WEIGHTS = list(accumulate(1.0 / (rank + 6) for rank in range(len(_SURNAMES))))

_FEMALE_SINGLE = "芳娟敏静丽艳娜霞红梅琳燕萍雪婷慧玲莉兰英凤华秀琴云洁"
_FEMALE_FIRST = "秀桂玉春海丽晓小金翠凤淑美素月彩雪雅慧静"
_FEMALE_SECOND = "英兰梅燕娟红凤花珍霞玲华芳娥琴莲萍芬"
_MALE_SINGLE = "伟强军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健磊亮峰林"
_MALE_FIRST = "建国志德文明永振宏俊海军春立家红新学庆长"
_MALE_SECOND = "国华军平明伟强林生刚东斌龙杰峰涛波辉成福"

_VILLAGE_SURNAMES = _SURNAMES[:60]
_FAMILY_SUFFIXES = "庄村寨湾沟屯营店洼岭坪集"
_PLACE_WORDS = (
    "柳树",
    "杨树",
    "槐树",
    "枣树",
    "桃园",
    "杏花",
    "梨园",
    "石桥",
    "石门",
    "白沙",
    "黄土",
    "红石",
    "青山",
    "龙泉",
    "马鞍",
    "凤凰",
    "卧龙",
    "南河",
    "北河",
    "东河",
    "西河",
    "沙河",
    "清水",
    "双河",
    "三里",
    "五里",
    "七里",
    "十里",
    "花园",
    "碾盘",
    "磨盘",
    "龙王",
    "牛角",
    "羊角",
    "鹰嘴",
    "响水",
    "泉水",
    "柏树",
    "松林",
    "竹园",
    "苇子",
    "荷花",
    "河口",
    "山口",
    "古城",
    "关口",
    "岔河",
    "瓦窑",
    "铁炉",
    "盐井",
    "土桥",
    "木瓜",
    "核桃",
    "栗子",
    "葡萄",
    "桑园",
    "麦场",
    "油坊",
    "磨坊",
    "官庄",
)
_PLACE_SUFFIXES = "村庄沟坪湾岭屯铺寨峪"
_DIRECTIONS = "东西南北前后上下大小"

BRANCH_NAMES = (
    "城关支行",
    "河西支行",
    "山前支行",
    "东坝支行",
    "柳林支行",
    "南湖支行",
    "北山支行",
    "桥头支行",
    "新集支行",
    "石门支行",
    "青石支行",
    "白马支行",
)

# County area codes for resident ID numbers: one home county per branch, neighbours
# for the borrowers who were born elsewhere.
AREA_CODES = ("410522", "410523", "410526", "410527", "410581", "410521", "410621", "410622")

_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_DIGITS = "零一二三四五六七八九"


def person_name(rng: random.Random, female: bool) -> str:
    """A realistic Chinese name: a common surname and a one- or two-character given name."""
    surname = rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM_WEIGHTS)[0]
    if female:
        if rng.random() < 0.35:
            return surname + rng.choice(_FEMALE_SINGLE)
        return surname + rng.choice(_FEMALE_FIRST) + rng.choice(_FEMALE_SECOND)
    if rng.random() < 0.35:
        return surname + rng.choice(_MALE_SINGLE)
    return surname + rng.choice(_MALE_FIRST) + rng.choice(_MALE_SECOND)


def village_names(rng: random.Random, count: int) -> list[str]:
    """`count` distinct village names such as 李家庄 or 柳树村, in a seeded order.

    Plain names come first; names with a direction (东柳树村) are only used once the plain
    ones run out, and numbered ones (李家庄二村) after that.
    """
    plain = [s + "家" + x for s in _VILLAGE_SURNAMES for x in _FAMILY_SUFFIXES]
    plain += [w + x for w in _PLACE_WORDS for x in _PLACE_SUFFIXES]
    plain = list(dict.fromkeys(plain))
    rng.shuffle(plain)
    names = plain[:count]
    if len(names) < count:
        directional = [d + name for d in _DIRECTIONS for name in plain]
        rng.shuffle(directional)
        names += directional[: count - len(names)]
    number = 2
    while len(names) < count:
        names += [name + chinese_number(number) + "村" for name in plain[: count - len(names)]]
        number += 1
    return names


def chinese_number(number: int) -> str:
    """A positive integer below 10,000 in Chinese numerals (十一, 一百零五, 一千二百)."""
    if not 0 < number < 10_000:
        raise ValueError(f"chinese_number handles 1..9999, not {number}")
    if number < 10:
        return _DIGITS[number]
    if number < 20:
        return "十" + (_DIGITS[number % 10] if number % 10 else "")
    if number < 100:
        return _DIGITS[number // 10] + "十" + (_DIGITS[number % 10] if number % 10 else "")
    unit, size = ("百", 100) if number < 1000 else ("千", 1000)
    head = _DIGITS[number // size] + unit
    rest = number % size
    if rest == 0:
        return head
    # 110 is 一百一十, not 一百十: inside a larger number the leading 一 is spoken.
    tail = ("一" if 10 <= rest < 20 else "") + chinese_number(rest)
    return head + ("零" + tail if rest < size // 10 else tail)


def branch_short_name(branch: str) -> str:
    """The branch name without 支行, used to name its teams (城关 for 城关支行)."""
    return branch.removesuffix("支行")


def team_name(branch: str, number: int) -> str:
    """The name of a branch's n-th team, such as 城关一组."""
    return f"{branch_short_name(branch)}{chinese_number(number)}组"


def mobile_number(rng: random.Random) -> str:
    """An 11-digit mainland mobile number (13812345678)."""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def resident_id_number(area_code: str, birth_date: date, sequence: int) -> str:
    """An 18-character resident ID number with its ISO 7064 mod 11-2 check character.

    The sequence's last digit is odd for men and even for women, as on real cards.
    """
    body = f"{area_code}{birth_date:%Y%m%d}{sequence:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK_CHARS[total % 11]
