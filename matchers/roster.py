"""Rosters: lists of people, counted by rows, whatever the layout.

A roster is a table or list in which each entry names a person and gives something that
identifies or reaches them: an ID number, a mobile, a bank card, an address, an amount paid.
Extraction renders a table row as one line (cells separated by tabs), but PDFs wrap narrow
cells onto following lines and pasted text has no cells at all, so rows are not found by lines:
an entry starts at a *name* and runs to the next name (at most :data:`ROW_SPAN` characters).

- A name is a standalone run of 2–4 Han characters (nothing Han directly before or after it)
  that starts with one of the common surnames and does not end like a place, a body or a
  heading (村, 镇, 局, 名单 …).
- ``roster`` counts entries holding a *validated* identifier: a resident ID (grouped, spaced or
  wrapped), a bank card (Luhn and IIN, also wrapped across lines) or a mobile number.
- ``roster_loose`` counts entries holding any identifier, an address (…村3组19号, …路97号5幢)
  or a money amount (8,050.00 / 12000元): household lists of compensation, relief and subsidy.
  A published list (低保公示) has these too, so the tables weigh it lower, and public-notice
  context may discount it; it never discounts ``roster``.

Each entry yields one hit whose value is ``name:identifier``, so ``min_count`` counts distinct
people. Runs on the folded text (digits ASCII, characters simplified).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from functools import lru_cache

from matchers.detectors import (
    CARD_LABELS,
    ID_LABELS,
    Hit,
    card_number,
    cn_mobile,
    cn_resident_id,
    labelled,
    resident_ids,
    valid_resident_id,
)

#: Characters from a name to the next one that still belong to its entry.
ROW_SPAN = 240

# The ~200 most common single-character surnames (they cover well over 90% of the population)
# and the compound surnames still met in registers.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝傅阎鞠芮蔺"
)
_COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
# Words that start with a surname character but are places, bodies, headings or things.
_NOT_NAME_END = set("村镇乡县区市省路街巷弄组号室栋幢楼院厂司局所站队委会部办科处行社校园场馆店厅")
_NOT_NAME_WORDS = """
    金额 方案 高速 江苏 江西 安徽 云南 贵州 湖南 湖北 河南 河北 山东 山西 广东 广西 海南 四川
    陕西 甘肃 青海 宁夏 吉林 辽宁 黑龙 浙江 福建 台湾 香港 澳门 北京 天津 上海 重庆 常住 常务
    合计 总计 小计 说明 时间 日期 单位 明细 名单 备注 户主 姓名 性别 民族 年龄 电话 手机 地址
    住址 金融 华夏 万元 安置 安全 高级 高中 石材 林地 林业 龙头 黄金 白色 白天 文化 文件 和平
    明细表 申请 申报 全部 全体 全年 应当 应急 宁波 温州 柳州 洪水 成立 成员 成绩 向前 关于 关键
    管理 管辖 管护 严格 严重 严禁 武装 戴帽 包括 包干 车辆 车间 项目 连续 景区 党委 党员 党支
    宫殿 费用 卫生 米面 柏油 宗教 桂花 全面 应用 边界 师范 和谐 商业 商品 沙土 荣誉 巫山 明确
    季度 单价 苗木 谷物 盛大 曲线 路面 游客 辛苦 简介 简要 车位 费率 伍佰 石桥 方式 方面 程序
    周一 周二 周三 周四 周五 周六 周日 周末 周报 周边 周期 周年 周转 周通 凌晨 谢谢 万以 钱款
    沙霸 矿霸 路霸 菜霸 万至 余人 余名 余户 余万
"""
_NOT_NAME = frozenset(_NOT_NAME_WORDS.split())
# Addresses and amounts are found from their digits (one C-speed scan for digit runs; a regex
# that starts with a Han run would backtrack over every long run of prose): the numbers
# ``[0-9][0-9,.]*(?<![,.])`` that can be one (:data:`_ATTRIBUTE`).
_UNIT = re.compile(r"组|号|幢|栋|室|单元|弄|排")
_MONEY = re.compile(r"[ \t]{0,2}(?:万元|元)")
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]{1,2})?")
_CENTS = re.compile(r"[0-9]+\.[0-9]{2}")
_YEAR_MONTH = re.compile(r"(?:19|20)[0-9]{2}\.(?:0[1-9]|1[0-2])$")
# The numbers that can be an attribute: a unit or money after it, or a separator inside it. The
# same spans as that pattern (whose runs never start right after a digit), but the many plain
# numbers of prose (dates, counts) are skipped at C speed instead of one Python step each.
_ATTRIBUTE = re.compile(
    rf"[0-9](?<![0-9]{{2}})(?=[0-9]*[,.]+[0-9]|[0-9]*(?:{_UNIT.pattern}|{_MONEY.pattern}))"
    r"[0-9,.]*(?<![,.])"
)
# A card number wrapped by a narrow cell: digit groups with up to two separators between them;
# only runs of 16 digits or more (a run's tail is shorter than the run, so the spans are those of
# every run of ``[0-9](?:[ \t\r\n-]{0,3}[0-9])*`` that is long enough).
_DIGIT_RUN = re.compile(r"[0-9](?:[ \t\r\n-]{0,3}[0-9]){15,}")
_SEPARATORS = str.maketrans("", "", " \t\r\n-")


_SURNAME_SET = frozenset(_SURNAMES)


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u4dbf" or "\u4e00" <= ch <= "\u9fff"


def _is_name(word: str) -> bool:
    size = len(word)
    if size > 4 or size < 2:
        return False
    if word[0] not in _SURNAME_SET and not (size >= 3 and word[:2] in _COMPOUND):
        return False
    if size == 4 and word[:2] not in _COMPOUND:
        return False
    return not (word in _NOT_NAME or word[-1] in _NOT_NAME_END or word[:2] in _NOT_NAME)


# The runs :func:`_is_name` may accept, found at C speed: standalone (the lookbehind also sees
# before a search window, so a run the window cuts is not one), 2–4 characters, starting with
# a surname. Prose is mostly long runs, which no name can be. The pattern starts with a class of
# first characters so that the regex engine can skip ahead to them; the lookbehinds after it
# then say "nothing Han before", "a surname" or "a compound surname" (欧 then 阳).
_FIRSTS = "".join(sorted(set(_SURNAMES).union(c[0] for c in _COMPOUND)))
_COMPOUND_REST = "|".join(f"(?<={c[0]}){c[1:]}" for c in _COMPOUND)
_NAME_RUN = re.compile(
    rf"[{_FIRSTS}](?<![{_HAN}0-9].)"
    rf"(?:(?<=[{_SURNAMES}])[{_HAN}]{{1,3}}|(?:{_COMPOUND_REST})[{_HAN}]{{0,2}})(?![{_HAN}])"
)


def _names(text: str) -> list[tuple[int, int]]:
    """Standalone runs of 2–4 Han characters that read as a person's name."""
    return [m.span() for m in _NAME_RUN.finditer(text) if _is_name(m.group())]


_ROLE = (
    "嫌疑人|当事人|带头人|负责人|户主|村民|居民|同志|职工|上访人|信访人|申请人|举报人|被告人|"
    "重点人员|对象|人选|候选人|干部|"
    # (twenty-ninth round) who a 信访 warning names: 退役军人蒯某, 征地户幸某, 职工代表隆某
    "退役军人|征地户|拆迁户|被征收人|职工代表|村民代表|"
    # a post before the holder's name (书记郝某某：较强; 镇长万某某、…) — issue 9, seventh round
    "书记|镇长|乡长|县长|区长|局长|主任|部长|科长|股长|所长|站长|校长|院长"
)
_CUED = re.compile(
    rf"(?:{_ROLE})[：:、，, ]?((?:{'|'.join(_COMPOUND)}|[{_SURNAMES}])[{_HAN}]{{1,2}}?)"
    rf"(?=[、，,（(：:\s。；;]|同志|等|户|因|被|多次|今日|已|拟|$)"
)
_LISTED = re.compile(rf"([{_SURNAMES}](?<![{_HAN}0-9].)[{_HAN}]{{1,2}})(?=[、（(]|同志)")
# (twenty-sixth round) a name given as an aside in a transcript: 邹家那个，（指邹国华）
_POINTED = re.compile(rf"[（(]指([{_SURNAMES}][{_HAN}]{{1,2}})[）)]")


_PAIR = re.compile(rf"([{_SURNAMES}][{_HAN}]{{1,2}})、([{_SURNAMES}][{_HAN}]{{1,2}})")


def _pairs(text: str) -> Iterator[re.Match[str]]:
    """``_PAIR.finditer(text)``, tried only two or three characters before a 、 (where every
    pair starts), not at every surname of a long text."""
    reach = 0
    starts = {at - size for at in _all(text, "、") for size in (3, 2) if at >= size}
    for start in sorted(starts):
        if start >= reach and (m := _PAIR.match(text, start)) is not None:
            yield m
            reach = m.end()


def _all(text: str, word: str) -> Iterator[int]:
    """Where ``word`` stands in ``text``, without overlaps (at C speed: ``str.find``)."""
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + len(word))


def named_people(texts: Sequence[str]) -> set[str]:
    """The distinct people the texts of one document name: standalone names (tables, lists)
    and names after a role (嫌疑人戴某某, 带头人曹某某) or before a note (余某某（多次越级上访）,
    钟某某同志)."""
    names = {text[start:end] for text in texts for start, end in _names(text)}
    for text in texts:
        _named_in(text, names)
    return names


def _named_in(text: str, names: set[str]) -> None:
    # an aside (（指邹国华）) is rare: its pattern runs only where one may stand
    pointed = "(指" in text or "（指" in text
    for pattern in (_CUED, _LISTED, _POINTED) if pointed else (_CUED, _LISTED):
        for m in pattern.finditer(text):
            word = m.group(1)
            if (
                word not in _NOT_NAME
                and word[-1] not in _NOT_NAME_END
                and word[:2] not in _NOT_NAME
            ):
                names.add(word)
    # a name right before 同志 inside a sentence (推荐祁某某同志为…, 对郁某某同志…): the three
    # characters before it if they read as a name, else the two (issue 9, eleventh round)
    for at in _all(text, "同志"):
        # (twenty-sixth round) spoken, with a pointer between: 陶文静那个同志
        end = at - 2 if text[max(0, at - 2) : at] in ("那个", "这个") else at
        for size in (3, 2):
            word = text[end - size : end] if end >= size else ""
            if len(word) == size and all(map(_is_han, word)) and _is_name(word):
                names.add(word)
                break
    # 戴某某、范某某: the second of a pair of names
    for m in _pairs(text):
        if m.group(1) in names and m.group(2)[:2] not in _NOT_NAME:
            names.add(m.group(2))


def _cards(text: str) -> Iterator[Hit]:
    """Bank card numbers, also when a narrow cell wrapped them across lines."""
    cards, ids = labelled(text, CARD_LABELS), labelled(text, ID_LABELS)
    for m in _DIGIT_RUN.finditer(text):
        if m.end() - m.start() < 16:
            continue
        digits = m.group().translate(_SEPARATORS)
        if len(digits) < 16:
            continue
        if valid_resident_id(digits[:18]):
            continue  # (fortieth round) an ID, whose first 16 or 17 digits may pass Luhn
        for size in (19, 18, 17, 16):  # the card, then whatever the next cell added
            head = digits[:size]
            if len(head) == size and card_number(head, cards, ids):
                yield m.start(), m.end(), head
                break


@lru_cache(maxsize=2)
def _identifiers(text: str) -> tuple[Hit, ...]:
    """IDs, cards and mobiles (cached: both roster detectors read the same segment)."""
    return (*cn_resident_id(text), *_cards(text), *cn_mobile(text))


def _attributes(text: str) -> Iterator[Hit]:
    """Addresses (…村3组19号) and money amounts (8,050.00 / 12000元), found from their digits."""
    for m in _ATTRIBUTE.finditer(text):
        number, start, end = m.group(), m.start(), m.end()
        unit = _UNIT.match(text, end)
        if unit is not None:
            if start >= 2 and _is_han(text[start - 1]) and _is_han(text[start - 2]):
                yield start, end, text[max(0, start - 8) : unit.end()]
            continue
        if start and text[start - 1] == ".":
            continue
        money = _MONEY.match(text, end)
        if ("," in number and _THOUSANDS.fullmatch(number)) or _CENTS.fullmatch(number):
            if not _YEAR_MONTH.match(number):
                yield start, end, number
        elif money is not None and "," not in number:
            yield start, money.end(), text[start : money.end()]


def _name_before(text: str, start: int) -> tuple[int, int] | None:
    """The last name in the :data:`ROW_SPAN` characters before ``start``."""
    lo = max(0, start - ROW_SPAN)
    found = None
    for m in _NAME_RUN.finditer(text, lo, start):
        if _is_name(m.group()):
            found = m.span()
    # (thirty-fifth round) a name given in a sentence: 查到了，叫晏春燕，身份证…
    for m in _CALLED.finditer(text, lo, start):
        if _is_name(m.group(1)) and (found is None or m.start(1) > found[0]):
            found = m.span(1)
    return found


_CALLED = re.compile(rf"(?:叫|名叫|姓名[:：]?)([{_SURNAMES}][{_HAN}]{{1,2}})(?![{_HAN}])")


def _entries(text: str, loose: bool) -> Iterator[Hit]:
    """Entries found from their identifiers: each identifier (in text order) belongs to the
    nearest name before it; a name's first identifier makes its entry. Work is proportional to
    the identifiers in the text, not to its length (clean prose has few)."""
    spots = list(_identifiers(text))
    if loose:
        spots += _attributes(text)
    spots.sort()
    taken: set[int] = set()
    for start, _, value in spots:
        name = _name_before(text, start)
        if name is None or name[0] in taken:
            continue
        taken.add(name[0])
        yield name[0], name[1], f"{text[name[0] : name[1]]}:{value}"


# What makes an entry *sensitive* personal information (个人信息保护法 art. 28: medical health,
# financial accounts, specific identities, whereabouts, minors; and criminal records, which the
# law on the protection of minors and the community-correction rules keep confidential): words
# an entry of a relief, disability, corrections or school list carries beside the person's
# identifier. Whole words only — 患有 and not 患 (隐患), 服刑 and not 刑.
_SENSITIVE_ATTRIBUTE = re.compile(
    "患有|患病|病史|化疗|透析|确诊|阳性|癌|尿毒症|乙肝|艾滋|精神病|抑郁|瘫痪|残疾|"
    # (twenty-sixth round) the illnesses a relief or care list names
    "肝硬化|肝炎|结核|白血病|肿瘤|脑梗|偏瘫|截肢|精神障碍|精神分裂|癫痫|体检异常|老病号|"
    "肢体|视力|听力|智力|精神[一二三四]级|[一二三四]级(?:肢体|视力|听力|智力|精神)|"
    "刑满|服刑|在押|前科|吸毒|贩毒|涉毒|社区矫正|取保候审|盗窃|诈骗|"
    "存款|欠债|负债|冻结|欠款|征信|"
    "低保|特困|五保|建档立卡|孤儿|留守|独居|"
    "年级|幼儿园|班主任"
)


def roster_sensitive(text: str) -> Iterator[Hit]:
    """Entries with a validated identifier whose row also says something sensitive about the
    person (a disability grade, an illness, a prison term, a relief status, a child's class):
    a few of them are what a list of many phone numbers is (docs/scope-tables.md, 名单)."""
    if len(text) < 20:
        return
    entries = _validated(text)
    if _own(text, entries):
        return
    # (twenty-sixth round) a list titled by what its people share (精神障碍患者名单, 社区矫正
    # 对象花名册, 核酸检测阳性人员): every entry under the title says it
    head = text.lstrip()[:_TITLE_SPAN].split("\n", 1)[0]
    titled = len(head) <= _TITLE_SPAN and _SENSITIVE_ATTRIBUTE.search(head) is not None
    # (thirty-third round) a bank card is a financial account (art. 28) in itself
    cards = [at for at, _, _ in _cards(text)] if entries else []
    for i, (start, end, value) in enumerate(entries):
        stop = min(entries[i + 1][0] if i + 1 < len(entries) else len(text), start + ROW_SPAN)
        if (
            titled
            or _SENSITIVE_ATTRIBUTE.search(text, end, stop)
            or any(end <= at < stop for at in cards)
        ):
            yield start, end, value


#: how long a list's title line may be (longer, the first line is already a sentence)
_TITLE_SPAN = 40


def roster(text: str) -> Iterator[Hit]:
    """Entries of a list of people with a validated ID number, bank card or mobile."""
    if len(text) < 20:
        return
    yield from _validated(text)


def roster_record(text: str) -> Iterator[Hit]:
    """Entries whose resident ID stands beside a second way to find the person (a mobile, a
    bank card, a home address): a whole identity record (docs/scope-tables.md, 名单)."""
    if len(text) < 20:
        return
    entries = _validated(text)
    if not entries or _own(text, entries):
        return
    ids = {at for at, _, _ in resident_ids(text)}
    spots = sorted(at for at, _, _ in _identifiers(text))
    for i, (start, end, value) in enumerate(entries):
        stop = min(entries[i + 1][0] if i + 1 < len(entries) else len(text), start + ROW_SPAN)
        inside = spots[bisect_left(spots, start) : bisect_left(spots, stop)]
        if _record(text, start, stop, [at in ids for at in inside]):
            yield start, end, value


#: the sender's own details, as he presents them (把本人信息发一下, 我的银行卡号): his ID beside
#: his card for a lecture fee or a hotel is not a record of someone else (fortieth round)
_OWN = re.compile(r"(?:本人|我的|我)(?:的)?(?:信息|身份证|银行卡|卡号|账户|账号|开户行|个人信息)")


def _own(text: str, entries: Sequence[Hit]) -> bool:
    """Is the text one person's own details (a single entry the sender calls his own)?"""
    return len(entries) == 1 and _OWN.search(text) is not None


def _record(text: str, start: int, stop: int, is_id: list[bool]) -> bool:
    """Does the entry at ``text[start:stop]``, whose identifiers are IDs as ``is_id`` says, hold
    a resident ID and another identifier?"""
    if not any(is_id):
        return False
    if not all(is_id):
        return True
    # an address (…村3组9号, …路106号4幢), not an amount; (fortieth round) or a village
    # group in words, as rural addresses are written (住桥头村八组, 杨家冲组)
    if _RURAL.search(text, start, stop):
        return True
    return any(_UNIT.search(value) for _, _, value in _attributes(text[start:stop]))


_RURAL = re.compile(
    rf"[{_HAN}](?:村|社区)[一二三四五六七八九十]{{1,3}}组|住[{_HAN}]{{1,6}}(?:村|组|社区|小区)"
)


@lru_cache(maxsize=2)
def _validated(text: str) -> tuple[Hit, ...]:
    """The entries with a validated identifier (cached: ``roster`` and ``roster_sensitive``
    read the same segment)."""
    return tuple(_entries(text, loose=False))


def roster_loose(text: str) -> Iterator[Hit]:
    """Entries of a list of people with an identifier, an address or an amount."""
    if len(text) < 20:
        return
    yield from _entries(text, loose=True)
