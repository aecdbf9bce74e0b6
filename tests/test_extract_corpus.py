"""Every file of the shared real-world corpus goes through the extractor: nothing escapes,
nothing hangs, the Chinese documents yield the text the MANIFEST names, and every encrypted
sample is held as ``encrypted``."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from gateway.extract import extract_document
from gateway.settings import LimitSettings, OcrSettings
from tests.conftest import CORPUS
from tests.fixtures_extract import all_text

pytestmark = pytest.mark.corpus

# Seconds after which a file's extraction is cut off (the walker's deadline; generous, because
# OCR of the pictures in a few files takes seconds on a loaded 2-core machine): a file that hits
# it fails the test, so "bounded time" is asserted without timing anything.
PER_FILE_DEADLINE = 60.0


def _corpus_files() -> list[str]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        os.path.relpath(os.path.join(d, f), CORPUS)
        for d, _, files in os.walk(CORPUS)
        for f in files
    )


@pytest.mark.parametrize("rel", _corpus_files() or ["(corpus absent)"])
def test_every_corpus_file_is_extracted_without_escaping_errors(corpus: Path, rel: str) -> None:
    limits = LimitSettings(timeout=PER_FILE_DEADLINE)
    data = (corpus / rel).read_bytes()
    result = extract_document(data, Path(rel).name, limits, time.monotonic() + PER_FILE_DEADLINE)
    assert "timeout" not in {u.reason.value for u in result.unscannable}
    for item in result.unscannable:  # every unscannable item says where and why
        assert item.location and item.reason
    assert result.parts and result.parts[0].sha256


MANIFEST_TEXT = {
    "poi/test-data/spreadsheet/61287.xls": [
        "资产负债表",
        "编制单位：上海大众汽车石汇销售服务有限公司",
    ],
    "poi/test-data/spreadsheet/19599-2.xls": ["汇总", "“家家e”业务统计月报"],
    "poi/test-data/spreadsheet/44235.xls": ["还原利润表", "三农属性", "编制单位"],
    "poi/test-data/spreadsheet/12843-1.xls": ["中華電信網路容量及使用現況雙週報表"],
    "poi/test-data/spreadsheet/12843-2.xls": ["婆婆買了十兩蘿蔔"],
    "poi/test-data/spreadsheet/49273.xlsx": ["合并单元格", "中文字体"],
    "poi/test-data/document/61490.doc": ["居中的大标题", "章节1的内容，一段话"],
    "poi/test-data/integration/stress009.docx": [
        "NANDrive 微型固态硬盘设计方案",
        "本款固态硬盘是一款微型尺寸",
    ],
    "poi/test-data/integration/stress020.xlsx": [
        "2019年泰州市7月份银行业金融机构存贷款情况",
        "一、本外币各项存款",
    ],
    "poi/test-data/slideshow/bug64693.pptx": ["嘿嘿", "哈哈哈哈哈", "呵呵呵"],
    "poi/test-data/hpsf/TestChineseProperties.doc": ["巴西", "墨西哥", "香港"],
    "poi/test-data/hsmf/chinese-traditional.msg": ["MSG 格式測試"],
    "tika/test-documents/testMSG_chinese.msg": ["MSG 格式測試", "張毓倫", "陳惠珍"],
    "tika/test-documents/testODT_svgTitleInStyledSpan.odt": ["國立雲林科技大學", "學生證影印本"],
    "tika/test-documents/gbk.zip": ["集团邮件审计系统2021年自动巡检需求文档_V4.0.doc"],
    "pdfminer.six/samples/contrib/issue_566_test_2.pdf": ["甲方：中国饮料有限公司（盖章）"],
    "pdfminer.six/samples/contrib/issue_566_test_1.pdf": ["Buyer：黎荣"],  # broken CID map
    "pypdf/resources/multilang.pdf": ["你好世界"],
    "cpython/cjkencodings/gb2312.txt": [
        "Python（派森）语言是一种功能强大而完善的通用型计算机程序设计语言"
    ],
    "cpython/cjkencodings/gbk.txt": ["Python（派森）语言"],
    "cpython/cjkencodings/big5.txt": ["如何在 Python 中使用既有的 C library"],
    "mail-parser/tests/mails/mail_test_12": ["代开各地增值税发票", "我公司可代开各类增值税发票"],
    "spamassassin/t/data/nice/cjk/gb2312.1": ["台湾鑫龙商贸集团公司向您拜年"],
    "spamassassin/t/data/nice/cjk/gb2312.2": ["装硬碟问题"],
    "spamassassin/t/data/nice/cjk/big5-base64.1": ["最新資訊的軟體泡麵站"],
    "enmime/testdata/parts/chardet-success-big-5.raw": ["顏是家訓"],
    "tika/test-documents/testFOXMAIL.box": ["欢迎使用 Foxmail 6.5"],
}


@pytest.mark.parametrize("rel", sorted(MANIFEST_TEXT))
def test_chinese_samples_yield_the_manifest_text(corpus: Path, rel: str) -> None:
    text = all_text(extract_document((corpus / rel).read_bytes(), Path(rel).name, LimitSettings()))
    for expected in MANIFEST_TEXT[rel]:
        assert expected in text, expected


def _paths(block: str) -> list[str]:
    return block.split()


ENCRYPTED = _paths(
    """
tika/test-documents/testWORD_protected_passtika.doc tika/test-documents/testWORD_protected_passtika.docx
tika/test-documents/testEXCEL_protected_passtika.xls tika/test-documents/testEXCEL_protected_passtika.xlsx
tika/test-documents/testPPT_protected_passtika.ppt tika/test-documents/testPPT_protected_passtika.pptx
tika/test-documents/password.xls poi/test-data/spreadsheet/password.xls
poi/test-data/document/password_password_cryptoapi.doc poi/test-data/slideshow/ppt_with_png_encrypted.ppt
tika/test-documents/protectedFile.xlsx poi/test-data/poifs/protect.xlsx poi/test-data/poifs/protected_agile.docx
poi/test-data/document/password_tika_binaryrc4.doc poi/test-data/spreadsheet/protected_passtika.xlsx
poi/test-data/document/bug53475-password-is-solrcell.docx poi/test-data/document/bug53475-password-is-pass.docx
poi/test-data/poifs/60320-protected.xlsx poi/test-data/poifs/protected_sha512.xlsx
poi/test-data/slideshow/Password_Protected-hello.ppt poi/test-data/spreadsheet/xor-encryption-abc.xls
poi/test-data/document/PasswordProtected.doc tika/test-documents/testWORD_protected_drm.doc
pdfminer.six/samples/encryption/rc4-40.pdf pdfminer.six/samples/encryption/rc4-128.pdf
pdfminer.six/samples/encryption/aes-128.pdf pdfminer.six/samples/encryption/aes-128-m.pdf
pdfminer.six/samples/encryption/aes-256.pdf pdfminer.six/samples/encryption/aes-256-m.pdf
pdfminer.six/samples/encryption/aes-256-r6.pdf
pypdf/resources/encryption/r2-user-password.pdf pypdf/resources/encryption/r3-user-password.pdf
pypdf/resources/encryption/r4-user-password.pdf pypdf/resources/encryption/r4-aes-user-password.pdf
pypdf/resources/encryption/r5-user-password.pdf pypdf/resources/encryption/r6-user-password.pdf
pypdf/resources/encryption/r6-both-passwords.pdf pypdf/resources/crazyones-encrypted-256.pdf
pypdf/resources/encrypted-file.pdf pypdf/resources/libreoffice-writer-password.pdf
pypdf-sample-files/005-libreoffice-writer-password/libreoffice-writer-password.pdf
tika/test-documents/testPassword4Spaces.pdf tika/test-documents/testUnicodePassword.pdf
tika/test-documents/test7Z_protected_passTika.7z tika/test-documents/full_encrypted.7z
py7zr/tests/data/encrypted_1.7z py7zr/tests/data/encrypted_2.7z py7zr/tests/data/encrypted_3.7z
py7zr/tests/data/encrypted_4.7z py7zr/tests/data/encrypted_5.7z py7zr/tests/data/encrypted_6.7z
py7zr/tests/data/filename_encryption.7z
tika/test-documents/test-documents-enc.rar rarfile/test/files/rar3-comment-psw.rar
rarfile/test/files/rar3-comment-hpsw.rar rarfile/test/files/rar5-psw.rar rarfile/test/files/rar5-hpsw.rar
tika/test-documents/testZipEncrypted.zip tika/test-documents/testODTEncrypted.odt
tika/test-documents/testPGPEncrypted.gpg spamassassin/t/data/spam/olevbmacro/encrypted.eml
spamassassin/t/data/spam/olevbmacro/zippwmacro.eml tika/test-documents/testRFC822_encrypted_zip
"""
)


@pytest.mark.parametrize("rel", ENCRYPTED)
def test_encrypted_samples_are_unscannable_encrypted(corpus: Path, rel: str) -> None:
    result = extract_document((corpus / rel).read_bytes(), Path(rel).name, LimitSettings())
    assert "encrypted" in {u.reason.value for u in result.unscannable}


READABLE_DESPITE_PROTECTION = [
    "tika/test-documents/testPDF_protected.pdf",  # empty user password
    "pypdf/resources/encryption/r6-owner-password.pdf",
    "pypdf/resources/encryption/r2-empty-password.pdf",
    "poi/test-data/document/documentProtection_readonly_no_password.docx",
]


@pytest.mark.parametrize("rel", READABLE_DESPITE_PROTECTION)
def test_protection_without_a_user_password_is_scanned(corpus: Path, rel: str) -> None:
    result = extract_document((corpus / rel).read_bytes(), Path(rel).name, LimitSettings())
    assert result.unscannable == ()
    assert all_text(result)


def test_pdf_without_a_text_layer_is_read_by_ocr_or_held(corpus: Path) -> None:
    rel = "pdfminer.six/samples/encryption/encrypted_doc_no_id.pdf"  # opens with the empty password
    data = (corpus / rel).read_bytes()
    result = extract_document(data, "scan.pdf", LimitSettings())
    assert result.unscannable == ()
    assert result.parts[0].status == "scanned"  # its page was read by OCR
    off = LimitSettings(ocr=OcrSettings(enabled=False))
    unread = extract_document(data, "scan.pdf", off)
    assert [u.reason.value for u in unread.unscannable] == ["image"]  # never passed unread
