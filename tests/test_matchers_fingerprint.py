"""Registered-document fingerprints: what survives a leak, and what must not match."""

from __future__ import annotations

import numpy as np
import opencc
import pytest

from matchers import fingerprint
from matchers.fingerprint import (
    FingerprintIndex,
    Registered,
    fingerprints,
    kgram_hashes,
    siphash24,
    siphash24_reference,
)

KEY = b"unit-test-key-0123456789abcdef!!"

PLAN = [
    "关于青石村集体土地征收补偿安置的初步方案（讨论稿）",
    "根据区政府统一部署，拟对青石村东片约三百二十亩集体土地实施征收，用于物流园区建设。",
    "一、征收范围：东至滨河路，西至新华街，南至铁路货运线，北至环城北路，具体以勘测定界图为准。",
    "二、补偿标准：耕地每亩补偿五万八千元，青苗费每亩两千元，地上附着物按第三方评估价补偿。",
    "三、安置方式：货币安置与产权调换相结合，被征收户二者择一，签约奖励按签约先后分档发放。",
    "四、谈判底线：对个别诉求较高的农户，补偿总额上浮不超过百分之八，超出部分报指挥部研究。",
    "五、时间安排：十一月底前完成入户调查和实物登记，十二月中旬前完成补偿协议签订工作。",
]
OTHER = [
    "关于城南片区旧城改造房屋征收工作的情况报告",
    "今年以来，我街道在区委区政府领导下，扎实推进城南片区旧城改造项目，现将有关情况报告如下。",
    "一、基本情况：项目涉及居民四百一十二户，目前已完成入户调查，签约率达到百分之六十三。",
    "二、存在问题：部分居民对评估价格存在异议，个别户反映安置房源位置偏远，工作推进难度较大。",
    "三、下步打算：加强政策宣传解释，逐户做好思想工作，力争年底前完成全部签约任务。",
]
BOILERPLATE = "抄送：区委办公室，区人大常委会办公室，区政协办公室。青石镇人民政府办公室印发"


def register(*docs: tuple[str, str], **kw: int) -> FingerprintIndex:
    items = [
        Registered(name, name, "land", frozenset(h for h, _ in fingerprints(text, KEY)))
        for name, text in docs
    ]
    return FingerprintIndex.build(KEY, items, **kw)


@pytest.fixture(scope="module")
def index() -> FingerprintIndex:
    return register(("方案", "\n".join([*PLAN, BOILERPLATE])))


def test_whole_document_is_found(index: FingerprintIndex) -> None:
    [match] = index.match("\n".join(PLAN))
    # not 100 %: the registered text also ends with BOILERPLATE. The choice of fingerprints
    # depends on the key (scheme 2); over 300 random keys this share lay in 0.79–0.95.
    assert match.label == "方案" and match.share > 0.75
    [whole] = index.match("\n".join([*PLAN, BOILERPLATE]))
    assert whole.share == 1.0


def test_reflowed_lines_and_changed_punctuation(index: FingerprintIndex) -> None:
    text = "".join(PLAN).replace("，", ", ").replace("。", ".\n").replace("：", ":")
    reflowed = "\n".join(text[i : i + 23] for i in range(0, len(text), 23))  # PDF line breaks
    [match] = index.match(reflowed)
    assert match.share > 0.75


def test_traditional_characters(index: FingerprintIndex) -> None:
    traditional = opencc.OpenCC("s2t").convert("\n".join(PLAN))
    assert traditional != "\n".join(PLAN)
    [match] = index.match(traditional)
    assert match.share > 0.75


def test_reordered_and_deleted_paragraphs(index: FingerprintIndex) -> None:
    [match] = index.match("\n".join([PLAN[5], PLAN[2], PLAN[4]]))
    assert match.share >= 0.10


def test_excerpt_pasted_into_a_body_is_found_with_its_place(index: FingerprintIndex) -> None:
    body = "张科长：\n您要的材料摘两段给您：" + PLAN[4] + PLAN[5] + "\n其余见附件。谢谢！"
    [match] = index.match(body)
    start, end = match.spans[0]
    assert PLAN[4][10:30] in body[start:end]  # the passage, give or take a window
    assert match.longest_run >= 60


def test_a_different_document_on_the_same_topic_is_not_found(index: FingerprintIndex) -> None:
    assert index.match("\n".join(OTHER)) == []


def test_ordinary_mail_is_not_found(index: FingerprintIndex) -> None:
    assert index.match("周末一起去爬山吧，天气预报说周六晴，早上八点在东门集合。") == []


@pytest.mark.parametrize("key", [KEY, *(bytes([n]) * 32 for n in range(12))])
def test_boilerplate_shared_by_many_registered_documents_is_ignored(key: bytes) -> None:
    # Which k-grams a document keeps depends on the key and, next to the boilerplate, on the
    # document's own last words: a boilerplate k-gram may be kept by only some documents (so
    # not dropped). With bodies of a few sentences (20–30 fingerprints each) such strays stay
    # far below 10 %; a one-line body (5–10 fingerprints) failed for 9 % of random keys.
    docs = [
        (
            f"文件{i}",
            f"第{i}号文件：{OTHER[i % 5]}{PLAN[i % 7]}{OTHER[(i + 2) % 5]}{PLAN[(i + 3) % 7]}"
            f"\n{BOILERPLATE}",
        )
        for i in range(8)
    ]
    items = [
        Registered(n, n, "land", frozenset(h for h, _ in fingerprints(t, key))) for n, t in docs
    ]
    index = FingerprintIndex.build(key, items, max_share=5)
    assert index.ignored > 0
    assert index.match("通知如下。\n" + BOILERPLATE) == []


def test_fingerprints_are_keyed() -> None:
    text = "\n".join(PLAN)
    assert {h for h, _ in fingerprints(text, KEY)} != {h for h, _ in fingerprints(text, b"k" * 32)}


# --- scheme 2: SipHash-2-4 over numpy, and documents of both schemes side by side ------------

SIP_KEY = bytes(range(16))


def test_siphash_reference_gives_the_papers_vectors() -> None:
    # Aumasson & Bernstein, "SipHash: a fast short-input PRF", appendix A (15-byte message)
    # and the reference implementation's vectors.h (empty and 8-byte messages).
    assert siphash24_reference(SIP_KEY, bytes(range(15))) == 0xA129CA6149BE45E5
    assert siphash24_reference(SIP_KEY, b"") == 0x726FDB47DD0E0E31
    assert siphash24_reference(SIP_KEY, bytes(range(8))) == 0x93F5F5799A932462


def test_vectorised_siphash_equals_the_reference() -> None:
    words = np.array(
        [
            int.from_bytes(bytes(range(8)), "little"),
            0,
            2**64 - 1,
            0x0123456789ABCDEF,
            *np.random.default_rng(7).integers(0, 2**63, size=60, dtype=np.uint64).tolist(),
        ],
        dtype=np.uint64,
    )
    assert siphash24(SIP_KEY, words)[0] == 0x93F5F5799A932462
    for key in (SIP_KEY, b"\xff" * 16, b"fingerprint-key!"):
        got = siphash24(key, words).tolist()
        assert got == [siphash24_reference(key, int(w).to_bytes(8, "little")) for w in words]
    with pytest.raises(ValueError, match="16-byte"):
        siphash24(b"short", words)


def test_scheme_2_choice_depends_on_the_key() -> None:
    text = "\n".join(PLAN)
    first = [p for _, p in fingerprints(text, KEY, 2)]
    assert first != [p for _, p in fingerprints(text, b"k" * 32, 2)]
    # scheme 1 chose the same k-grams under every key (only their hashes were keyed)
    assert [p for _, p in fingerprints(text, KEY, 1)] == [
        p for _, p in fingerprints(text, b"k" * 32, 1)
    ]


def test_documents_of_both_schemes_are_found_each_with_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = Registered(
        "旧", "旧", "land", frozenset(h for h, _ in fingerprints("\n".join(PLAN), KEY, 1)), scheme=1
    )
    new = Registered(
        "新", "新", "land", frozenset(h for h, _ in fingerprints("\n".join(OTHER), KEY, 2))
    )
    mixed = FingerprintIndex.build(KEY, [old, new])
    assert mixed.schemes == (1, 2)
    assert [m.id for m in mixed.match(PLAN[3] + PLAN[4])] == ["旧"]
    assert [m.id for m in mixed.match(OTHER[1] + OTHER[2])] == ["新"]
    # with no scheme-1 document left, a message is fingerprinted with scheme 2 only
    only_new = FingerprintIndex.build(KEY, [new])
    assert only_new.schemes == (2,)
    computed: list[int] = []
    real = fingerprint._chosen

    def spy(encoded: bytes, key: bytes, scheme: int) -> tuple[object, object]:
        computed.append(scheme)
        return real(encoded, key, scheme)

    monkeypatch.setattr(fingerprint, "_chosen", spy)
    assert [m.id for m in only_new.match(OTHER[1] + OTHER[2])] == ["新"]
    assert computed == [2]
    computed.clear()
    mixed.match(OTHER[1])
    assert computed == [1, 2]


def test_a_corpus_removes_fingerprints_of_its_own_scheme_only() -> None:
    text = "\n".join(PLAN)
    old = Registered(
        "旧", "旧", "land", frozenset(h for h, _ in fingerprints(text, KEY, 1)), scheme=1
    )
    corpus_v2 = kgram_hashes(text, KEY, 2)
    index = FingerprintIndex.build(KEY, [old], common={2: np.fromiter(corpus_v2, np.uint64)})
    assert index.ignored == 0 and index.match(text)
    corpus_v1 = kgram_hashes(text, KEY, 1)
    index = FingerprintIndex.build(KEY, [old], common={1: np.fromiter(corpus_v1, np.uint64)})
    assert index.match(text) == []
