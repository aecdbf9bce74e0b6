"""The style model's training corpus (benchmarks/training/): well formed and apart from the
evaluation set, so the figures measured on the evaluation set stay honest."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
TRAINING = BENCHMARKS / "training"
SOURCES = BENCHMARKS / "detection" / "sources"
TOPICS = {"personnel", "land", "public_security", "work_secret", "state_secret", "personal_data"}
LABELS = {"sensitive", "harmless", "public"}


def corpus() -> list[tuple[str, dict[str, str]]]:
    messages = []
    for path in sorted(TRAINING.glob("*.toml")):
        with path.open("rb") as f:
            messages += [(path.name, message) for message in tomllib.load(f)["message"]]
    return messages


def test_every_message_is_complete_and_named_once() -> None:
    messages = corpus()
    assert messages, "benchmarks/training/ holds no corpus: the style model is trained on it"
    ids = Counter(message["id"] for _, message in messages)
    assert [i for i, n in ids.items() if n > 1] == []
    for name, message in messages:
        where = f"{name} {message.get('id')}"
        assert set(message) == {"id", "topic", "label", "subject", "body"}, where
        assert message["topic"] in TOPICS, where
        assert message["label"] in LABELS, where
        assert len(message["body"].strip()) >= 10, where
    labels = Counter(message["label"] for _, message in messages)
    # the model learns the matter against published texts *and* harmless internal mail
    assert labels["harmless"] >= labels["sensitive"] // 4, labels
    assert labels["public"] >= labels["sensitive"] // 4, labels


#: statute text and legal formulas both sets quote (the law's words, written by neither)
STATUTES = {
    # 土地管理法 art. 47, its first two paragraphs (a round-48 tuning split's published text and a
    # training note both quote them)
    "第四十七条国家征收土地的，依照法定程序批准后，由县级以上地方人民政府予以公告并组织实施。",
    "县级以上地方人民政府拟申请征收土地的，应当开展拟征收土地现状调查和社会稳定风险评估，并将征收范围、"
    "土地现状、征收目的、补偿标准、安置方式和社会保障等在拟征收土地所在的乡（镇）和村、村民小组范围内"
    "公告至少三十日，听取被征地的农村集体经济组织及其成员、村民委员会和其他利害关系人的意见。",
    # 个人信息保护法 art. 28 whole, with its number (a round-43 tuning split's explainer and a
    # training note both quote it)
    "第二十八条敏感个人信息是一旦泄露或者非法使用，容易导致自然人的人格尊严受到侵害或者人身、财产安全"
    "受到危害的个人信息，包括生物识别、宗教信仰、特定身份、医疗健康、金融账户、行踪轨迹等信息，"
    "以及不满十四周岁未成年人的个人信息。",
    # 个人信息保护法 art. 4, the definition of personal information (a round-43 tuning split's
    # explainer and a training note both quote it)
    "个人信息是以电子或者其他方式记录的与已识别或者可识别的自然人有关的各种信息，不包括匿名化处理后的信息。",
    # 个人信息保护法 art. 28
    "敏感个人信息包括生物识别、宗教信仰、特定身份、医疗健康、金融账户、行踪轨迹等信息，"
    "以及不满十四周岁未成年人的个人信息。",
    # the appeal formula a reply to a citizen must carry (行政复议法, 行政诉讼法), word for word
    "如对本答复不服，可在收到之日起60日内向县人民政府申请行政复议，或在6个月内向人民法院提起行政诉讼。",
    # the standard formula of a 任前公示 for reports on those named (a round-46 tuning split's
    # published notice and a training note both carry it)
    "公示期间，如对公示对象有情况反映，可通过来信、来电、来访等方式向县委组织部反映。反映问题要实事求是，"
    "提倡署真实姓名。",
    # the 征收土地预公告's clause that 土地管理法实施条例 art. 26 asks for (a round-46 split's
    # published notice and a training note both carry it word for word)
    "三、自本公告发布之日起，在拟征收范围内暂停办理户口迁入、分户，不得抢栽抢建；违反规定的，对抢栽抢建"
    "部分不予补偿。",
    # 保守国家秘密法 art. 2, the definition of a state secret
    "国家秘密是关系国家安全和利益，依照法定程序确定，在一定时间内只限一定范围的人员知悉的事项。",
    # … as a quiz's answer (a round-44 split's lesson and a training note both quote it so)
    "答：国家秘密是关系国家安全和利益，依照法定程序确定，在一定时间内只限一定范围的人员知悉的事项。",
    # 保守国家秘密法, the three levels of a state secret as the law defines them (a round-41
    # tuning split's lesson and a training note both quote it)
    "绝密级国家秘密是最重要的国家秘密，泄露会使国家安全和利益遭受特别严重的损害；机密级国家秘密是重要的"
    "国家秘密，泄露会使国家安全和利益遭受严重的损害；秘密级国家秘密是一般的国家秘密，泄露会使国家安全"
    "和利益遭受损害。",
    # 保守国家秘密法's ban on passing state secrets over public networks, as a notice's third
    # item (a blind split's notice, written on 2026-12-07, and a training note both quote it)
    "三、禁止在互联网及其他公共信息网络或者未采取保护措施的有线和无线通信中传递国家秘密。",
    # 个人信息保护法 art. 28, its list without the lead-in; art. 34, whole and with its number
    "包括生物识别、宗教信仰、特定身份、医疗健康、金融账户、行踪轨迹等信息，以及不满十四周岁未成年人的个人信息。",
    "国家机关为履行法定职责处理个人信息，应当依照法律、行政法规规定的权限、程序进行，"
    "不得超出履行法定职责所必需的范围和限度。",
    "第三十四条国家机关为履行法定职责处理个人信息，应当依照法律、行政法规规定的权限、程序进行。",
    # 土地管理法实施条例 art. 26, the clause every 征收土地预公告 carries (numbered as a notice's
    # third item): a training note and a blind65/66 writer, neither reading the other, wrote it
    "三、自本公告发布之日起，任何单位和个人不得在拟征收范围内抢栽抢建；违反规定抢栽抢建的，对抢栽抢建部分不予补偿。",
}


def test_no_training_text_is_copied_from_the_evaluation_set() -> None:
    messages = corpus()
    evaluation = {
        re.sub(r"\s", "", line)
        for path in SOURCES.rglob("*.toml")
        for line in path.read_text(encoding="utf-8").splitlines()
    }
    for _, message in messages:
        lines = [re.sub(r"\s", "", line) for line in message["body"].splitlines()]
        # a sentence of its own (40 Chinese characters and more), not a salutation, a date line of
        # a notice, the appeal formula of a reply or an article of a law both quote
        lines = [line for line in lines if len(re.findall(r"[\u4e00-\u9fff]", line)) >= 40]
        copied = [line for line in lines if line in evaluation and line not in STATUTES]
        assert not copied, message["id"]
