"""The MIME walk: real mail from real clients, whatever charset they claimed."""

from __future__ import annotations

import base64
from pathlib import Path

from gateway.extract import extract_message
from gateway.settings import LimitSettings
from tests.fixtures_extract import all_text, reasons, texts
from tests.support.messages import multipart_message as message


def _raw(headers: str, body: bytes) -> bytes:
    return headers.replace("\n", "\r\n").encode("ascii") + b"\r\n" + body


def test_gb2312_label_holding_gbk_only_characters_is_read_as_gb18030(limits: LimitSettings) -> None:
    body = "镕基同志：关于干部调整方案".encode("gbk")  # 镕 is GBK-only, not in GB 2312
    raw = _raw("From: a@b\nSubject: x\nContent-Type: text/plain; charset=gb2312\n", body)
    assert texts(extract_message(raw, limits))["正文"] == "镕基同志：关于干部调整方案"


def test_utf8_body_labelled_gb2312_is_read_as_utf8(corpus: Path, limits: LimitSettings) -> None:
    raw = (corpus / "mail-parser/tests/mails/mail_test_12").read_bytes()
    found = texts(extract_message(raw, limits))
    assert found["主题"] == "代开各地增值税发票"
    assert "我公司可代开各类增值税发票" in found["正文"]
    assert "13662615434" in found["正文"]


def test_raw_8bit_gb2312_subject(corpus: Path, limits: LimitSettings) -> None:
    raw = (corpus / "spamassassin/t/data/nice/cjk/gb2312.1").read_bytes()
    result = extract_message(raw, limits)
    assert result.subject == "全新原装进口，送货上门，货到付款－台湾鑫龙商贸集团公司向您拜年!"
    assert "本公司长期经销电脑配件" in texts(result)["正文"]


def test_rfc2047_gb2312_subject_and_8bit_body(corpus: Path, limits: LimitSettings) -> None:
    raw = (corpus / "spamassassin/t/data/nice/cjk/gb2312.2").read_bytes()
    result = extract_message(raw, limits)
    assert result.subject == "RE: 装硬碟问题"
    assert "假设你的硬碟是IDE介面" in texts(result)["正文"]


def test_big5_mail_raw_subject_and_html_body(corpus: Path, limits: LimitSettings) -> None:
    raw = (corpus / "spamassassin/t/data/nice/cjk/big5-base64.1").read_bytes()
    result = extract_message(raw, limits)
    assert "新片又到" in result.subject
    assert "最新資訊的軟體泡麵站" in texts(result)["正文（HTML）"]


def test_undeclared_big5_body_is_detected(corpus: Path, limits: LimitSettings) -> None:
    raw = (corpus / "enmime/testdata/parts/chardet-success-big-5.raw").read_bytes()
    assert "夫九州之人，言語不同" in texts(extract_message(raw, limits))["正文"]


def test_rfc2231_and_rfc2047_and_raw_8bit_file_names(limits: LimitSettings) -> None:
    raw = _raw(
        "From: a@b\nSubject: x\nContent-Type: multipart/mixed; boundary=B\n",
        b"--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
        b"--B\r\nContent-Disposition: attachment; filename*=gb2312''%B8%C9%B2%BF.txt\r\n\r\nA\r\n"
        b'--B\r\nContent-Disposition: attachment; filename="=?gb2312?B?w/uy4S50eHQ=?="\r\n\r\nB\r\n'
        b'--B\r\nContent-Disposition: attachment; filename="\xb7\xbd\xb0\xb8.txt"\r\n\r\nC\r\n'
        b"--B--\r\n",
    )
    found = texts(extract_message(raw, limits))
    assert found["附件 干部.txt › 文件名"] == "干部.txt"
    assert found["附件 名册.txt › 文件名"] == "名册.txt"
    assert found["附件 方案.txt › 文件名"] == "方案.txt"


def test_alternative_parts_are_both_scanned(limits: LimitSettings) -> None:
    raw = _raw(
        "From: a@b\nSubject: x\nContent-Type: multipart/alternative; boundary=B\n",
        "--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n纯文本部分\r\n"
        "--B\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        "<html><style>p{color:red}</style><p>HTML&nbsp;部分：干部&#35843;整</p>"
        "<!-- 隐藏的维稳预案 --></html>\r\n"
        "--B--\r\n".encode(),
    )
    found = texts(extract_message(raw, limits))
    assert found["正文"] == "纯文本部分"
    assert found["正文（HTML）"] == "HTML\xa0部分：干部调整\n\n 隐藏的维稳预案"


def test_forwarded_message_is_walked_with_nested_locations(limits: LimitSettings) -> None:
    inner = message(body="原始邮件：拟提拔名单见附件", subject="=?utf-8?b?5Y6f5aeL?=")
    raw = _raw(
        "From: a@b\nSubject: Fwd\nContent-Type: multipart/mixed; boundary=B\n",
        b"--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\xe8\xbd\xac\xe5\x8f\x91\r\n"
        b"--B\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--B--\r\n",
    )
    found = texts(extract_message(raw, limits))
    assert found["附件 转发邮件.eml › 正文"] == "原始邮件：拟提拔名单见附件"
    assert found["附件 转发邮件.eml › 主题"] == "原始"


def test_uuencoded_attachment_in_a_plain_body(limits: LimitSettings) -> None:
    import binascii

    payload = "征地拆迁补偿方案".encode()
    lines = b"".join(binascii.b2a_uu(payload[i : i + 45]) for i in range(0, len(payload), 45))
    body = b"see below\r\nbegin 644 plan.txt\r\n" + lines.replace(b"\n", b"\r\n") + b"`\r\nend\r\n"
    raw = _raw("From: a@b\nSubject: x\nContent-Type: text/plain\n", body)
    assert texts(extract_message(raw, limits))["附件 plan.txt"] == "征地拆迁补偿方案"


def test_base64_transfer_encoding_and_bad_base64(limits: LimitSettings) -> None:
    encoded = base64.b64encode("维稳工作方案".encode()).decode()
    raw = _raw(
        "From: a@b\nSubject: x\nContent-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: base64\n",
        (encoded[:-2] + "!!" + encoded[-2:]).encode(),
    )
    assert "维稳工作方案" in all_text(extract_message(raw, limits))


def test_missing_terminator_and_bad_boundary_still_yield_text(limits: LimitSettings) -> None:
    raw = _raw(
        "From: a@b\nSubject: x\nContent-Type: multipart/mixed; boundary=B\n",
        "--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n第一部分\r\n"
        "--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n没有结束边界的第二部分\r\n".encode(),
    )
    assert "没有结束边界的第二部分" in all_text(extract_message(raw, limits))


def test_message_parts_are_listed_for_the_officer(limits: LimitSettings) -> None:
    raw = message(attachments=[("名单.txt", "张三".encode())])
    result = extract_message(raw, limits)
    (body, attachment) = result.parts
    assert (body.location, body.content_type, body.status) == ("正文", "text/plain", "scanned")
    assert (attachment.location, attachment.filename) == ("附件 名单.txt", "名单.txt")
    assert (attachment.content_type, attachment.size, attachment.status) == (
        "text/plain",
        6,
        "scanned",
    )
    assert len(attachment.sha256) == 64
    assert result.subject == "资料"
    assert result.message_id.startswith("<")
    found = texts(result)
    assert (found["主题"], found["发件人"], found["收件人"]) == (
        "资料",
        "张三 <zhangsan@example.gov.cn>",
        "lisi@example.com",
    )


def test_encrypted_attachment_in_real_mail(corpus: Path, limits: LimitSettings) -> None:
    raw = (corpus / "spamassassin/t/data/spam/olevbmacro/encrypted.eml").read_bytes()
    assert set(reasons(extract_message(raw, limits)).values()) == {"encrypted"}


def test_every_message_of_an_attached_mbox_is_read(limits: LimitSettings) -> None:
    first = message(body="第一封：会议通知")
    second = message(attachments=[("方案.txt", "第二封附件：维稳预案".encode())])
    mbox = (
        b"From a@b Mon Jan  1 00:00:00 2024\r\n"
        + first
        + b"\r\nFrom c@d Mon Jan  1 00:00:00 2024\r\n"
        + second
    )
    found = texts(extract_message(message(attachments=[("存档.mbox", mbox)]), limits))
    assert found["附件 存档.mbox › 邮件 1 › 正文"] == "第一封：会议通知"
    assert found["附件 存档.mbox › 邮件 2 › 附件 方案.txt"] == "第二封附件：维稳预案"


def test_hz_encoded_text_is_decoded(corpus: Path, limits: LimitSettings) -> None:
    raw = _raw(
        "From: a@b\nSubject: x\nContent-Type: text/plain\n",
        (corpus / "cpython/cjkencodings/hz.txt").read_bytes(),
    )
    assert "己所不欲，勿施於人" in texts(extract_message(raw, limits))["正文"]


def test_an_invented_transfer_encoding_cannot_hide_a_document(
    extract_data: Path, limits: LimitSettings
) -> None:
    docx = base64.encodebytes((extract_data / "lo-notice.docx").read_bytes())
    raw = _raw(
        "From: a@b\nSubject: x\nContent-Type: multipart/mixed; boundary=B\n",
        b"--B\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-private\r\n"
        b'Content-Disposition: attachment; filename="a.docx"\r\n\r\n' + docx + b"\r\n--B--\r\n",
    )
    assert "关于干部调整方案的请示" in texts(extract_message(raw, limits))["附件 a.docx › 正文"]


def test_x_gzip64_part_is_decoded(corpus: Path, limits: LimitSettings) -> None:
    rel = "james-mime4j/core/src/test/resources/mimetools-testmsgs/x-gzip64.msg"
    text = all_text(extract_message((corpus / rel).read_bytes(), limits))
    assert "Hughes STX, NASA/Goddard" in text


def test_content_wrapped_in_an_smime_signature_is_read(corpus: Path, limits: LimitSettings) -> None:
    raw = (corpus / "flanker/tests/fixtures/messages/signed.eml").read_bytes()
    result = extract_message(raw, limits)
    assert result.unscannable == ()
    wrapped = [s for s in result.segments if s.location.startswith("附件 smime.p7s › 签名内容")]
    assert any("a pöstal sign of our times" in s.text for s in wrapped)
