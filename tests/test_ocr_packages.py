"""Pictures inside docx/xlsx/pptx and odt/ods/odp: vector pictures (EMF, WMF, gzip-compressed
.emz/.wmz) are read by their text records like those of legacy documents, and the OCR page
budget counts distinct pictures that can hold a page — not every copy of an icon.

The packages are a python-docx document and a real LibreOffice odt (tests/data/extract) with
the pictures a test needs added; the metafiles are written record by record
(tests/support/metafiles.py), the bitmaps drawn here.
"""

from __future__ import annotations

import json
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from gateway.cli import main
from gateway.extract import Extracted, extract_document
from gateway.service import Gateway
from gateway.settings import LimitSettings, OcrSettings
from tests.fixtures_smtp import Sink, submit
from tests.support.addresses import EXTERNAL, SENDER
from tests.support.messages import message
from tests.support.metafiles import emf, emz, with_members, wmf
from tests.support.pictures import encoded
from tests.support.registered import docx_of

PLAN = "某村征地拆迁补偿方案"
DATA = Path(__file__).parent / "data" / "extract"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_with(pictures: dict[str, bytes]) -> bytes:
    """A clean docx (nothing in its text would hold it) with ``pictures`` in ``word/media/``."""
    members = {f"word/media/{name}": data for name, data in pictures.items()}
    return with_members(docx_of(["请查收本周例会纪要。"]), members)


def extracted(data: bytes, name: str, **ocr: object) -> Extracted:
    return extract_document(data, name, LimitSettings(ocr=OcrSettings(**ocr)))  # type: ignore[arg-type]


def problems(result: Extracted) -> list[tuple[str, str]]:
    return [(u.location, u.reason.value) for u in result.unscannable]


def square(side: int, seed: int) -> Image.Image:
    """A small picture without words, different for every ``seed``."""
    image = Image.new("RGB", (side, side), (seed * 37 % 256, seed * 91 % 256, 200))
    ImageDraw.Draw(image).ellipse((4, 4, side - 4, side - 4), fill=(255, 255, seed % 256))
    return image


def test_vector_pictures_in_a_docx_are_read_by_their_text_records() -> None:
    data = docx_with(
        {"image1.emf": emf(PLAN), "image2.wmf": wmf("拆迁补偿方案"), "image3.emz": emz(emf(PLAN))}
    )
    result = extracted(data, "汇报.docx")
    found = {s.location: s.text for s in result.segments}
    assert found["汇报.docx › 图片 image1.emf（矢量图文字）"] == PLAN
    assert found["汇报.docx › 图片 image2.wmf（矢量图文字）"] == "拆迁补偿方案"
    assert found["汇报.docx › 图片 image3.emz（矢量图文字）"] == PLAN
    assert problems(result) == []


def test_vector_pictures_and_object_replacements_in_an_odt_are_read() -> None:
    data = with_members(
        (DATA / "lo-notice.odt").read_bytes(),
        {"Pictures/100000.wmz": emz(wmf("拆迁补偿方案")), "ObjectReplacements/Object 1": emf(PLAN)},
    )
    result = extracted(data, "通知.odt")
    found = {s.location: s.text for s in result.segments}
    assert found["通知.odt › 图片 Pictures/100000.wmz（矢量图文字）"] == "拆迁补偿方案"
    assert found["通知.odt › 图片 ObjectReplacements/Object 1（矢量图文字）"] == PLAN
    assert problems(result) == []


def test_an_svm_picture_in_an_odt_is_held_as_unread_but_an_object_replacement_is_not() -> None:
    svm = b"VCLMTF" + bytes(64)  # LibreOffice's own metafile: text in it is not read
    pasted = extracted(
        with_members((DATA / "lo-notice.odt").read_bytes(), {"Pictures/10000.svm": svm}),
        "通知.odt",
    )
    assert problems(pasted) == [("通知.odt › 图片 Pictures/10000.svm", "image")]
    assert "SVM" in pasted.unscannable[0].detail
    replacement = extracted(
        with_members((DATA / "lo-notice.odt").read_bytes(), {"ObjectReplacements/Object 1": svm}),
        "通知.odt",
    )
    assert problems(replacement) == []
    allowed = extracted(
        with_members((DATA / "lo-notice.odt").read_bytes(), {"Pictures/10000.svm": svm}),
        "通知.odt",
        unread_images="pass",
    )
    assert problems(allowed) == []


def test_an_unreadable_emf_in_a_docx_is_held_as_image_unless_it_is_an_icon() -> None:
    glyphs = emf(PLAN, glyphs=True, size=(600, 400))  # the characters are not in the file
    result = extracted(docx_with({"image1.emf": glyphs}), "汇报.docx")
    assert problems(result) == [("汇报.docx › 图片 image1.emf", "image")]
    assert "字形编号" in result.unscannable[0].detail
    for side in (16, 48):  # an icon: at most ocr.min_size (48) pixels on its shorter side
        icon = emf(PLAN, glyphs=True, size=(side * 2, side))
        result = extracted(docx_with({"image1.emf": icon}), "汇报.docx")
        assert problems(result) == []
        assert [p.status for p in result.parts if p.location.endswith("image1.emf")] == ["image"]
    wider = emf(PLAN, glyphs=True, size=(98, 49))  # one pixel over the icon size: held
    assert problems(extracted(docx_with({"image1.emf": wider}), "汇报.docx")) == [
        ("汇报.docx › 图片 image1.emf", "image")
    ]


def test_icons_of_embedded_files_do_not_exhaust_the_ocr_budget() -> None:
    # WPS and Office draw each embedded file as an icon: its name over a small bitmap. Thirty
    # copies of one icon (a 64×64 bitmap: read once) and thirty different 48×48 icons (too
    # small to hold a page: not read) stay within the default 20 pictures per message.
    copy = emf("附件.txt", size=(96, 86), bitmap=square(64, 0))
    pictures = {f"image{n}.emf": copy for n in range(1, 31)}
    for n in range(31, 61):
        pictures[f"image{n}.emf"] = emf(f"文件{n}.txt", size=(96, 86), bitmap=square(48, n))
    for n in range(61, 91):
        pictures[f"image{n}.png"] = encoded(square(48, n), "PNG")
    result = extracted(docx_with(pictures), "附件清单.docx")
    assert problems(result) == []
    found = {s.location: s.text for s in result.segments}
    assert found["附件清单.docx › 图片 image30.emf（矢量图文字）"] == "附件.txt"
    assert found["附件清单.docx › 图片 image60.emf（矢量图文字）"] == "文件60.txt"


def test_distinct_pictures_over_the_budget_are_still_held() -> None:
    three = {f"image{n}.png": encoded(square(200, n), "PNG") for n in range(3)}
    assert ("汇报.docx › 图片 image2.png（图像识别）", "limit_ocr") in problems(
        extracted(docx_with(three), "汇报.docx", max_pages=2)
    )
    # the boundary: 49 px pictures are read (and counted), 48 px ones are icons
    over = {f"image{n}.png": encoded(square(49, n), "PNG") for n in range(2)}
    assert problems(extracted(docx_with(over), "汇报.docx", max_pages=1)) == [
        ("汇报.docx › 图片 image1.png（图像识别）", "limit_ocr")
    ]
    icons = {f"image{n}.png": encoded(square(48, n), "PNG") for n in range(2)}
    assert problems(extracted(docx_with(icons), "汇报.docx", max_pages=1)) == []


def test_with_ocr_off_icons_pass_and_pictures_that_may_hold_text_are_held() -> None:
    icons = {
        f"image{n}.emf": emf(f"文件{n}.txt", size=(96, 86), bitmap=square(48, n)) for n in (1, 2)
    }
    icons["image3.png"] = encoded(square(48, 3), "PNG")
    assert problems(extracted(docx_with(icons), "附件清单.docx", enabled=False)) == []
    photo = {"image1.png": encoded(square(49, 1), "PNG")}
    assert problems(extracted(docx_with(photo), "汇报.docx", enabled=False)) == [
        ("汇报.docx › 图片 image1.png", "image")
    ]


@pytest.mark.slow
def test_scan_holds_a_docx_whose_emf_draws_the_plan(
    tmp_path: Path, scope_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "汇报.docx"
    path.write_bytes(docx_with({"image1.emf": emf(PLAN)}))
    code = main(["scan", "--scope", str(scope_dir), "--format", "json", str(path)])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["verdict"] == "quarantine"
    assert any(
        f["location"] == "汇报.docx › 图片 image1.emf（矢量图文字）" for f in report["findings"]
    )


@pytest.mark.slow
async def test_a_docx_with_the_plan_in_an_emf_is_held_and_one_full_of_icons_passes_over_smtp(
    smtp_gateway: Gateway, upstream: Sink
) -> None:
    held = message(
        "请查收。", attachment=("汇报.docx", docx_with({"image1.emf": emf(PLAN)}), DOCX_MIME)
    )
    answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], held)
    assert answer.text.startswith("2.6.0 held for review"), answer
    copy = emf("附件.txt", size=(96, 86), bitmap=square(64, 0))
    icons = docx_with({f"image{n}.emf": copy for n in range(1, 31)})
    clean = message("请查收。", subject="附件清单", attachment=("附件清单.docx", icons, DOCX_MIME))
    answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], clean)
    assert answer.text.startswith("2.0.0 relayed"), answer
    await smtp_gateway.wait_background()
    (relayed,) = upstream.to(EXTERNAL)  # the icons; not the plan
    assert message_from_bytes(relayed.data, policy=default)["Subject"] == "附件清单"
