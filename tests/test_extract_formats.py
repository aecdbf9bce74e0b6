"""Every document format a unit sends yields its text, at a location an officer understands."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import py7zr
import pytest
from PIL import Image

from gateway.extract import extract_document, extract_message
from gateway.settings import LimitSettings
from tests.fixtures_extract import (
    SENSITIVE,
    all_text,
    docx_bytes,
    pptx_bytes,
    reasons,
    texts,
    xlsx_bytes,
    zip_of,
)
from tests.support.messages import multipart_message as message


def test_docx_reads_every_story_but_not_theme_or_font_names(limits: LimitSettings) -> None:
    result = extract_document(docx_bytes(), "通报.docx", limits)
    found = texts(result)
    assert "正文第一段" in found["通报.docx › 正文"]
    assert "插入的修订内容" in found["通报.docx › 正文"]
    assert "删除的拟提拔名单" in found["通报.docx › 正文"]  # tracked deletion (w:delText)
    assert found["通报.docx › 正文"].count("文本框里的维稳预案") == 1  # VML fallback not doubled
    assert found["通报.docx › 页眉"] == "内部资料 注意保存"
    assert found["通报.docx › 页脚"] == "页脚文字"
    assert found["通报.docx › 脚注"] == "脚注说明"
    assert found["通报.docx › 尾注"] == "尾注说明"
    assert found["通报.docx › 批注"] == "批注：此稿勿外发"
    assert "宋体" not in all_text(result)
    assert "标题 1" not in all_text(result)
    assert result.unscannable == ()


def test_xlsx_reads_hidden_sheets_and_resolves_shared_strings(limits: LimitSettings) -> None:
    result = extract_document(xlsx_bytes(), "名单.xlsx", limits)
    found = texts(result)
    assert found["名单.xlsx › 工作表 公开"] == "公开数据\t13662615434\n内部资料"
    assert found["名单.xlsx › 工作表 名单（隐藏）"] == "姓名\t拟提拔人选\n张三"
    assert found["名单.xlsx › 工作表名称"] == "公开\n名单"
    assert "ZHANGSAN" not in all_text(result)  # phonetic guide, not content
    assert "宋体" not in all_text(result)


def test_pptx_reads_slides_and_speaker_notes_not_layout_prompts(limits: LimitSettings) -> None:
    result = extract_document(pptx_bytes(), "汇报.pptx", limits)
    found = texts(result)
    assert found["汇报.pptx › 幻灯片 2"] == "征地拆迁补偿方案"
    assert found["汇报.pptx › 备注 2"] == "演讲者备注：重点人员名单"
    assert found["汇报.pptx › SmartArt 图形"] == "拟任局长\n张三"
    assert found["汇报.pptx › 母版"] == "内部资料 注意保存"  # a marking on every slide
    assert "单击此处添加标题" not in all_text(result)


@pytest.mark.parametrize(
    ("fixture", "location"),
    [
        ("lo-notice.docx", "lo-notice.docx › 正文"),
        ("lo-notice.doc", "lo-notice.doc › 正文"),
        ("lo-notice.odt", "lo-notice.odt › 正文"),
        ("lo-notice.rtf", "lo-notice.rtf"),
        ("lo-notice.pdf", "lo-notice.pdf › 第 1 页"),
    ],
)
def test_office_suite_documents_yield_the_sentence(
    extract_data: Path, limits: LimitSettings, fixture: str, location: str
) -> None:
    result = extract_document((extract_data / fixture).read_bytes(), fixture, limits)
    assert SENSITIVE in texts(result)[location]
    assert "拟提拔张三同志" in texts(result)[location]
    assert result.unscannable == ()


@pytest.mark.parametrize(
    ("fixture", "location"),
    [
        ("lo-roster.xlsx", "lo-roster.xlsx › 工作表 名单"),
        ("lo-roster.xls", "lo-roster.xls › 工作表 名单"),
        ("lo-roster.ods", "lo-roster.ods › 正文"),
    ],
)
def test_office_suite_spreadsheets_yield_their_cells(
    extract_data: Path, limits: LimitSettings, fixture: str, location: str
) -> None:
    result = extract_document((extract_data / fixture).read_bytes(), fixture, limits)
    cells = texts(result)[location]
    assert "干部调整方案" in cells
    assert "拟提拔" in cells


def test_type_is_detected_by_content_not_by_name(extract_data: Path, limits: LimitSettings) -> None:
    data = (extract_data / "lo-notice.docx").read_bytes()
    result = extract_document(data, "holiday-photo.jpg", limits)
    assert SENSITIVE in all_text(result)
    assert result.parts[0].content_type.endswith("wordprocessingml.document")


def test_rtf_gbk_escapes_and_unicode_escapes(limits: LimitSettings) -> None:
    gbk = "".join(f"\\'{b:02x}" for b in "干部调整".encode("gbk"))
    rtf = (
        r"{\rtf1\ansi\ansicpg936{\fonttbl{\f0\fnil\fcharset134 \'cb\'ce\'cc\'e5;}}"
        r"{\*\generator Msftedit;}\f0 " + gbk + r"\par \uc1\u26041?\u26696?\par}"
    )
    result = extract_document(rtf.encode("ascii"), "a.rtf", limits)
    assert texts(result)["a.rtf"] == "干部调整\n方案"
    assert "宋体" not in all_text(result)  # font table skipped


def test_text_in_any_charset(limits: LimitSettings) -> None:
    simplified = "关于征地拆迁补偿方案的说明，请各单位遵照执行。"
    traditional = "關於徵地拆遷補償方案的說明，請各單位遵照執行。"
    for codec, text in (
        ("gb18030", simplified),
        ("gbk", simplified),
        ("big5", traditional),
        ("utf-16", simplified),
        ("utf-8", simplified),
    ):
        result = extract_document(text.encode(codec), "x.txt", limits)
        # a text this short may be GBK or Big5: both readings are matched and shown
        assert text in [s.text for s in result.segments], codec


def test_csv_in_gbk(limits: LimitSettings) -> None:
    data = "姓名,身份证号,职务\n张三,110101199003077777,拟提拔\n".encode("gbk")
    assert "拟提拔" in all_text(extract_document(data, "名单.csv", limits))


def gbk_named_zip(name: str, data: bytes) -> bytes:
    """A zip whose member name is GBK bytes without the UTF-8 flag (bit 11), as old Chinese
    Windows archivers write it: written with a same-length ASCII placeholder, then patched."""
    gbk = name.encode("gbk")
    placeholder = b"N" * len(gbk)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(placeholder.decode(), data)
    raw = buf.getvalue()
    assert raw.count(placeholder) == 2  # local header and central directory
    return raw.replace(placeholder, gbk)


def test_zip_with_gbk_member_names_without_utf8_flag(limits: LimitSettings) -> None:
    raw = gbk_named_zip("干部名单.txt", "内容：维稳预案".encode())
    found = texts(extract_document(raw, "资料.zip", limits))
    assert found["资料.zip › 干部名单.txt"] == "内容：维稳预案"
    assert found["资料.zip › 干部名单.txt › 文件名"] == "干部名单.txt"


def test_gbk_zip_from_corpus_decodes_member_names(corpus: Path, limits: LimitSettings) -> None:
    data = (corpus / "tika/test-documents/gbk.zip").read_bytes()
    found = texts(extract_document(data, "gbk.zip", limits))
    assert any("集团邮件审计系统2021年自动巡检需求文档_V4.0.doc" in t for t in found.values())


def test_sensitive_sentence_found_at_depth_with_full_location(
    extract_data: Path, limits: LimitSettings
) -> None:
    docx = (extract_data / "lo-notice.docx").read_bytes()
    inner = zip_of([("通报.docx", docx)])
    outer = zip_of([("内层.zip", inner)])
    raw = message(attachments=[("资料.zip", outer)])
    result = extract_message(raw, limits)
    found = texts(result)
    assert SENSITIVE in found["附件 资料.zip › 内层.zip › 通报.docx › 正文"]
    assert found["附件 资料.zip › 文件名"] == "资料.zip"
    statuses = {p.location: p.status for p in result.parts}
    assert statuses["附件 资料.zip › 内层.zip › 通报.docx"] == "scanned"


def test_7z_tar_gz_bz2_xz_members_are_read(limits: LimitSettings) -> None:
    payload = "征地拆迁补偿方案（征求意见稿）".encode()
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w") as archive:
        archive.writestr(payload, "方案.txt")
    seven = buf.getvalue()
    tar_buf = io.BytesIO()
    with tarfile.open(fileobj=tar_buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("目录/方案.txt")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    import bz2
    import lzma

    cases = {
        "a.7z": (seven, "a.7z › 方案.txt"),
        "a.tgz": (tar_buf.getvalue(), "a.tgz › a.tar › 目录/方案.txt"),
        "a.txt.bz2": (bz2.compress(payload), "a.txt.bz2 › a.txt"),
        "a.txt.xz": (lzma.compress(payload), "a.txt.xz › a.txt"),
    }
    for name, (data, location) in cases.items():
        result = extract_document(data, name, limits)
        assert texts(result).get(location) == payload.decode(), (name, texts(result))
        assert result.unscannable == ()


def test_a_picture_that_cannot_be_decoded_is_held_a_tiny_one_is_not(
    limits: LimitSettings,
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # cannot be decoded: its text is unknown
    result = extract_message(message(attachments=[("扫描件.png", png)]), limits)
    assert reasons(result) == {"附件 扫描件.png": "image"}
    icon = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(icon, "PNG")  # too small to hold a page
    result = extract_message(message(attachments=[("icon.png", icon.getvalue())]), limits)
    assert {p.location: p.status for p in result.parts}["附件 icon.png"] == "image"
    assert result.unscannable == ()


def test_unknown_binary_is_held_as_unsupported(limits: LimitSettings) -> None:
    blob = bytes(range(256)) * 8
    result = extract_message(message(attachments=[("data.bin", blob)]), limits)
    assert reasons(result) == {"附件 data.bin": "unsupported"}


def test_corrupt_documents_are_unscannable_not_crashes(limits: LimitSettings) -> None:
    docx = docx_bytes()
    for name, data in (("坏.docx", docx[: len(docx) // 2]), ("坏.pdf", b"%PDF-1.7\n garbage")):
        assert reasons(extract_document(data, name, limits)) == {name: "corrupt"}


def test_outlook_msg_non_unicode_big5_uses_file_codepage(
    corpus: Path, limits: LimitSettings
) -> None:
    data = (corpus / "tika/test-documents/testMSG_chinese.msg").read_bytes()
    found = texts(extract_document(data, "a.msg", limits))
    assert found["a.msg › 主题"] == "Alfresco MSG format testing ( MSG 格式測試 )"
    assert "張毓倫" in found["a.msg › 发件人"]
    assert "中文測試" in found["a.msg › 正文"]


def test_msg_attachments_are_read(corpus: Path, limits: LimitSettings) -> None:
    data = (corpus / "tika/test-documents/testMSG_att_msg.msg").read_bytes()
    result = extract_document(data, "a.msg", limits)
    assert any(p.location.startswith("a.msg › 附件 ") for p in result.parts)
    assert result.unscannable == ()


def test_tnef_attachments_and_compressed_rtf_body_are_read(
    corpus: Path, limits: LimitSettings
) -> None:
    data = (corpus / "tika/test-documents/testWINMAIL.dat").read_bytes()
    found = texts(extract_document(data, "winmail.dat", limits))
    assert "Five files from Hell!" in found["winmail.dat › 正文（RTF）"]
    assert (
        found["winmail.dat › 附件 quick.doc › 正文"]
        == "The quick brown fox jumps over the lazy dog"
    )
    assert "The quick brown fox" in found["winmail.dat › 附件 quick.pdf › 第 1 页"]


def test_messages_embedded_in_tnef_are_read(corpus: Path, limits: LimitSettings) -> None:
    data = (corpus / "mimekit/UnitTests/TestData/tnef/rich-text.eml").read_bytes()
    result = extract_message(data, limits)
    inner = "附件 winmail.dat › 附件 Untitled Attachment"
    assert texts(result)[f"{inner} › 主题"] == "Build a train table"
    assert (
        texts(result)[f"{inner} › 正文"] == "Build my nephew an HO-scale train table for Christmas."
    )
    second = texts(result)[f"{inner} (2) › 主题"]
    assert second == "Christmas Celebration!"
    assert result.unscannable == ()


def test_compressed_rtf_decodes_to_the_body(corpus: Path) -> None:
    import olefile

    from gateway.extract.lzfu import decompress
    from gateway.extract.rtf import rtf_to_text

    with olefile.OleFileIO(str(corpus / "tika/test-documents/testMSG_chinese.msg")) as ole:
        blob = ole.openstream("__substg1.0_10090102").read()
    text = rtf_to_text(decompress(blob, 10**6))
    assert "中文測試" in text and "陳奎良" in text


def test_embedded_objects_in_office_files_are_read(corpus: Path, limits: LimitSettings) -> None:
    data = (corpus / "poi/test-data/slideshow/bug64693.pptx").read_bytes()
    found = texts(extract_document(data, "a.pptx", limits))
    assert (
        found["a.pptx › 嵌入对象 oleObject1.bin › 嵌入对象 新建文本文档.txt"]
        == "这是测试未加密的pdf文档"
    )


def test_objects_embedded_in_rtf_are_unpacked(corpus: Path, limits: LimitSettings) -> None:
    data = (corpus / "tika/test-documents/testRTFEmbeddedFiles.rtf").read_bytes()
    found = texts(extract_document(data, "a.rtf", limits))
    assert found["a.rtf › 嵌入对象 1 Word.Document.8 › 正文"] == "This file is embedded"
    assert "Numbers and their Squares" in found["a.rtf › 嵌入对象 6 Excel.Sheet.8 › 工作表 Feuil1"]
    assert found["a.rtf › 嵌入对象 testMSG_????.msg › 主题"] == "MIME registry use cases"


@pytest.mark.parametrize("suffix", ["doc", "docx", "xls", "ppt"])
def test_objects_embedded_by_wps_office_are_read(
    corpus: Path, limits: LimitSettings, suffix: str
) -> None:
    name = f"testWPSAttachment.{suffix}"
    result = extract_document((corpus / "tika/test-documents" / name).read_bytes(), name, limits)
    text = all_text(result)
    for content in ("txt_content", "pdf_content", "doc_content", "xls_content"):
        assert content in text
    assert result.unscannable == ()


def test_files_attached_inside_a_pdf_are_read(corpus: Path, limits: LimitSettings) -> None:
    rel = "tika/test-documents/testPDF_deeplyEmbeddedAttachments.pdf"
    result = extract_document((corpus / rel).read_bytes(), "a.pdf", limits)
    assert "a.pdf › PDF 附件 files/orig.pdf › 第 1 页" in texts(result)
    assert len([p for p in result.parts if p.location.startswith("a.pdf › PDF 附件 ")]) == 20


def test_zip_appended_to_a_script_reads_both(corpus: Path, limits: LimitSettings) -> None:
    result = extract_document(
        (corpus / "cpython/archivetestdata/exe_with_zip").read_bytes(), "x", limits
    )
    found = texts(result)
    assert found["x › 前置内容"].startswith("#!")
    assert "FAVORITE_NUMBER = 5" in found["x › testdata_module_inside_zip.py"]


def test_a_document_smuggled_as_an_unreferenced_part_is_read(
    extract_data: Path, limits: LimitSettings
) -> None:
    docx = docx_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("word/media/secret.pdf", (extract_data / "lo-notice.pdf").read_bytes())
        dst.writestr("word/notes.txt", "夹带的拟提拔名单".encode())
    found = texts(extract_document(buf.getvalue(), "通报.docx", limits))
    assert found["通报.docx › 其他部件 word/notes.txt"] == "夹带的拟提拔名单"
    assert SENSITIVE in found["通报.docx › 其他部件 word/media/secret.pdf › 第 1 页"]
    assert not any("theme" in location or "fontTable" in location for location in found)


def test_pdf_form_field_values_are_read(extract_data: Path, limits: LimitSettings) -> None:
    result = extract_document((extract_data / "lo-form.pdf").read_bytes(), "申请表.pdf", limits)
    found = texts(result)
    assert found["申请表.pdf › 第 1 页"] == "申请表"
    assert found["申请表.pdf › 第 1 页 表单与注释"] == "拟提拔人选张三"  # not in the page text


def test_xls_cells_per_sheet_with_numbers_and_hidden_sheets(
    extract_data: Path, limits: LimitSettings
) -> None:
    result = extract_document((extract_data / "lo-hidden.xls").read_bytes(), "名单.xls", limits)
    found = texts(result)
    assert found["名单.xls › 工作表名称"] == "公开\n名单"
    assert found["名单.xls › 工作表 公开"].startswith("会议安排")
    assert found["名单.xls › 工作表 名单（隐藏）"].startswith("拟提拔\t张三\t13662615434")


def test_legacy_ppt_separates_slides_notes_and_masters(corpus: Path, limits: LimitSettings) -> None:
    data = (corpus / "poi/test-data/slideshow/bug46441.ppt").read_bytes()
    found = texts(extract_document(data, "a.ppt", limits))
    assert found["a.ppt › 幻灯片"] == "2222\n123\n555"
    assert "单击此处编辑母版标题样式" in found["a.ppt › 母版"]


def test_uncertain_bytes_are_read_every_plausible_way() -> None:
    from gateway.extract.charset import readings

    phrase = "拆迁补偿方案"
    notice = "关于征地拆迁补偿方案的说明，请各单位遵照执行，并于本月底前报送落实情况。"
    assert [name for name, _ in readings(notice.encode("gbk"))] == [""]  # clean legacy text
    assert any(phrase in text for _, text in readings(phrase.encode("gbk")))  # short: both ways
    assert [name for name, _ in readings(phrase.encode())] == [""]
    damaged = readings(phrase.encode() + b"\xff")
    assert any(phrase in text for _, text in damaged), damaged
    mixed = readings(phrase.encode("gbk") + b"\n" + "说明".encode() + b"\n" + phrase.encode())
    assert sum(text.count(phrase) for _, text in mixed) >= 2, mixed
    utf16 = readings(phrase.encode("utf-16-be"))
    assert any(phrase in text for _, text in utf16), utf16


def _with_parts(package: bytes, extra: dict[str, str]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist() if i.filename not in extra]
    return zip_of([*members, *((n, d.encode()) for n, d in extra.items())])


def test_excel_header_codes_become_the_printed_text(limits: LimitSettings) -> None:
    S = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = (
        f'<worksheet {S}><sheetData><row><c t="inlineStr"><is><t>数据</t></is></c></row>'
        '</sheetData><headerFooter><oddHeader>&amp;L&amp;"Times New Roman,Regular"&amp;12'
        "秘密★1年&amp;C&amp;A&amp;R第&amp;P页</oddHeader></headerFooter></worksheet>"
    )
    data = _with_parts(xlsx_bytes(), {"xl/worksheets/sheet1.xml": sheet})
    text = all_text(extract_document(data, "表.xlsx", limits))
    assert "秘密★1年\n第页" in text
    assert "&" not in text and "Times New Roman" not in text


def test_docx_custom_properties_are_read_as_properties(limits: LimitSettings) -> None:
    custom = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="密级">'
        "<vt:lpwstr>工作秘密</vt:lpwstr></property></Properties>"
    )
    result = extract_document(
        _with_parts(docx_bytes(), {"docProps/custom.xml": custom}), "a.docx", limits
    )
    found = texts(result)
    assert found["a.docx › 自定义属性"] == "密级：工作秘密"
    assert not any("其他部件" in location for location in found)


def test_a_message_that_times_out_keeps_its_subject(limits: LimitSettings) -> None:
    import time

    raw = message("正文", subject="关于拆迁补偿方案")
    result = extract_message(raw, limits, deadline=time.monotonic() - 1)
    assert reasons(result) and result.subject == "关于拆迁补偿方案"


def test_a_short_gbk_text_in_an_archive_is_read_as_gbk(limits: LimitSettings) -> None:
    data = zip_of([("说明.txt", "无".encode("gbk")), ("名单.txt", "无异议".encode("gbk"))])
    text = all_text(extract_document(data, "a.zip", limits))
    assert "无" in text and "无异议" in text


def test_a_truncated_document_is_read_as_far_as_it_goes_and_held(limits: LimitSettings) -> None:
    data = (Path(__file__).parent / "data" / "extract" / "lo-notice.docx").read_bytes()
    result = extract_document(data[: int(len(data) * 0.7)], "通知.docx", limits)
    assert "拟提拔" in all_text(result)  # the part that survived is matched …
    assert "corrupt" in reasons(result).values()  # … and the rest, unread, holds the mail


@pytest.mark.parametrize(
    "name",
    sorted(
        p.name for p in (Path(__file__).parent / "data" / "extract").iterdir() if p.suffix != ".md"
    ),
)
def test_a_cut_document_never_passes_as_clean_without_its_text(
    name: str, limits: LimitSettings
) -> None:
    data = (Path(__file__).parent / "data" / "extract" / name).read_bytes()
    whole = all_text(extract_document(data, name, limits))
    for fraction in (0.2, 0.5, 0.8, 0.95):
        result = extract_document(data[: int(len(data) * fraction)], name, limits)
        assert result.unscannable or all_text(result) == whole, (name, fraction)
