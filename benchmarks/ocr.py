"""OCR: cost per page and per photo, worker memory, and how well pictures of documents are read.

Pictures are rendered here with a CJK font (Debian fonts-wqy-zenhei or fonts-noto-cjk) in three
layouts — a red-header document with the marking top-left, a table (a roster of households and
compensation), body text with a land plan — each as a clean 150 dpi page, a "scan" (1–3°
rotation, speckle noise, blur, JPEG quality 60) and a "phone photo" (perspective, uneven light,
smaller, JPEG 70); plus ordinary pictures (a chart, a gradient photo, a logo, a screenshot of
English UI) that must pass. Every picture goes through the real extraction (OCR in-process, one
core) and the default tables.

Prints: ms per A4 page at 150 dpi and per typical photo, peak RSS of a process that loaded the
models and read them, character accuracy (1 − edit distance / length, on the body line), the
share of pictures whose marking / key phrase was found, and false holds on ordinary pictures.

Run: ``.venv/bin/python benchmarks/ocr.py [--variants 4] [--tesseract]``. With ``--tesseract``
the same pictures are also read by Debian's Tesseract 5 (``tesseract-ocr-chi-sim``, LSTM, page
segmentation 3, one thread) and matched with the same tables, and the two engines are printed side
by side (Tesseract's CPU is the child process's).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gateway.extract import extract_document, ocr  # noqa: E402
from gateway.settings import LimitSettings  # noqa: E402
from matchers.engine import load_engine  # noqa: E402
from matchers.model import Segment  # noqa: E402

FONTS = [
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
]
MARKINGS = ["机密★10年", "秘密★5年", "绝密★长期", "机密★3年"]
PHRASES = ["征地拆迁补偿方案", "拆迁补偿方案", "干部调整方案", "征收补偿方案"]


def font(size: int) -> ImageFont.FreeTypeFont:
    path = next(f for f in FONTS if f.is_file())
    return ImageFont.truetype(str(path), size)


def red_header(rng: random.Random) -> tuple[Image.Image, str, str, str]:
    marking, phrase = rng.choice(MARKINGS), rng.choice(PHRASES)
    body = f"关于某某村{phrase}的请示"
    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    draw.text((100, 80), marking, font=font(34), fill="black")
    draw.text((260, 200), "某某县人民政府文件", font=font(70), fill=(200, 0, 0))
    draw.line((100, 330, 1140, 330), fill=(200, 0, 0), width=5)
    draw.text((200, 400), body, font=font(36), fill="black")
    for i, line in enumerate(
        ["各乡镇人民政府，县直各单位：", "现将有关事项通知如下，请认真贯彻落实。"]
    ):
        draw.text((100, 500 + i * 60), line, font=font(30), fill="black")
    return image, marking, phrase, body


def table(rng: random.Random) -> tuple[Image.Image, str, str, str]:
    marking, phrase = rng.choice(MARKINGS), rng.choice(PHRASES)
    body = f"{phrase}（讨论稿）"
    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    draw.text((100, 80), marking, font=font(32), fill="black")
    draw.text((300, 180), body, font=font(44), fill="black")
    for r in range(8):
        y = 300 + r * 70
        draw.line((100, y, 1140, y), fill="black", width=2)
        cells = ["户主", "人口", "面积（亩）", "补偿金额（元）"] if r == 0 else [
            rng.choice("王李张刘陈杨") + rng.choice("建国秀英志强桂兰"), str(rng.randint(1, 6)),
            f"{rng.uniform(0.5, 4):.2f}", f"{rng.randint(20000, 300000)}"]  # fmt: skip
        for c, text in enumerate(cells):
            draw.text((120 + c * 260, y + 16), text, font=font(30), fill="black")
    return image, marking, phrase, body


def body_text(rng: random.Random) -> tuple[Image.Image, str, str, str]:
    marking, phrase = rng.choice(MARKINGS), rng.choice(PHRASES)
    body = f"经研究，现将{phrase}印发给你们"
    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    draw.text((100, 80), marking, font=font(32), fill="black")
    lines = ["一、工作目标", body, "二、工作步骤", "请各单位于本月底前报送落实情况。"]
    for i, line in enumerate(lines):
        draw.text((120, 220 + i * 64), line, font=font(32), fill="black")
    return image, marking, phrase, body


def scanned(image: Image.Image, rng: random.Random) -> bytes:
    image = image.rotate(rng.uniform(1, 3) * rng.choice((-1, 1)), fillcolor="white")
    pixels = image.load()
    for _ in range(20000):
        x, y = rng.randrange(image.width), rng.randrange(image.height)
        pixels[x, y] = (rng.randrange(80, 256),) * 3
    image = image.filter(ImageFilter.GaussianBlur(0.7))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=60)
    return out.getvalue()


def photo(image: Image.Image, rng: random.Random) -> bytes:
    w, h = image.size
    d = rng.uniform(0.03, 0.07)
    quad = (w * d, h * d * 0.5, 0, h, w, h * (1 - d * 0.5), w * (1 - d), 0)  # perspective-ish
    image = image.transform((w, h), Image.Transform.QUAD, quad, fillcolor=(235, 230, 220))
    light = Image.linear_gradient("L").resize((w, h)).point(lambda v: 170 + v // 3)
    image = Image.composite(image, Image.new("RGB", (w, h), (90, 85, 80)), light)
    image = image.resize((w * 3 // 4, h * 3 // 4))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def ordinary(rng: random.Random) -> list[tuple[str, bytes]]:
    out = []
    chart = Image.new("RGB", (900, 600), "white")
    draw = ImageDraw.Draw(chart)
    for i in range(6):
        draw.rectangle(
            (80 + i * 130, 550 - rng.randint(80, 450), 160 + i * 130, 550), fill=(60, 120, 200)
        )
    draw.text((300, 20), "2024年各季度接待游客人数", font=font(28), fill="black")
    gradient = Image.linear_gradient("L").resize((1024, 768)).convert("RGB")
    logo = Image.new("RGB", (300, 300), "white")
    ImageDraw.Draw(logo).ellipse((30, 30, 270, 270), outline=(200, 0, 0), width=12)
    ImageDraw.Draw(logo).text((95, 120), "欢迎", font=font(48), fill=(200, 0, 0))
    ui = Image.new("RGB", (1000, 500), (245, 245, 245))
    ImageDraw.Draw(ui).text(
        (40, 40), "Settings  Network  Display  Sound  Updates", font=font(28), fill="black"
    )
    for name, image in (("chart", chart), ("photo", gradient), ("logo", logo), ("ui", ui)):
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=85)
        out.append((f"{name}.jpg", buf.getvalue()))
    return out


def accuracy(expected: str, text: str) -> float:
    """1 − (edit distance of the best-matching line) / len(expected)."""
    best = len(expected)
    for line in text.splitlines() or [""]:
        prev = list(range(len(line) + 1))
        for i, a in enumerate(expected, 1):
            cur = [i]
            for j, b in enumerate(line, 1):
                cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b)))
            prev = cur
        best = min(best, prev[-1])
    return 1 - best / len(expected)


def tesseract(data: bytes) -> tuple[float, str]:
    """Tesseract's text of one picture and the CPU seconds its process used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "chi_sim", "--psm", "3"],
        input=data, capture_output=True, check=False,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return spent, done.stdout.decode("utf-8", "replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=4, help="pictures per layout and kind")
    parser.add_argument(
        "--tesseract", action="store_true", help="also read every picture with Tesseract (chi_sim)"
    )
    args = parser.parse_args()
    if args.tesseract and shutil.which("tesseract") is None:
        parser.error("tesseract not found: apt-get install tesseract-ocr tesseract-ocr-chi-sim")
    tess_rows = []
    rng = random.Random(20261205)
    limits = LimitSettings()
    engine = load_engine(ROOT / "config" / "scope")
    started = time.process_time()
    ocr.warm_up()
    print(f"model load: {time.process_time() - started:.2f} s CPU")

    rows = []
    for layout in (red_header, table, body_text):
        for kind in ("page", "scan", "photo"):
            for _ in range(args.variants):
                image, marking, phrase, body = layout(rng)
                if kind == "page":
                    buf = io.BytesIO()
                    image.save(buf, "PNG")
                    data = buf.getvalue()
                else:
                    data = scanned(image, rng) if kind == "scan" else photo(image, rng)
                t0 = time.process_time()
                result = extract_document(data, f"{kind}.jpg", limits)
                spent = time.process_time() - t0
                text = "\n".join(s.text for s in result.segments)
                decision = engine.decide([Segment(s.location, s.text) for s in result.segments])
                rows.append((layout.__name__, kind, spent, marking in text.replace(" ", ""),
                             phrase in text, accuracy(body, text),
                             decision.verdict.value != "pass"))  # fmt: skip
                if args.tesseract:
                    spent, text = tesseract(data)
                    flat = text.replace(" ", "")
                    decision = engine.decide([Segment("图像识别", text)])
                    tess_rows.append((layout.__name__, kind, spent, marking in flat,
                                      phrase in flat, accuracy(body, flat),
                                      decision.verdict.value != "pass"))  # fmt: skip
    false_holds = 0
    for name, data in ordinary(rng):
        result = extract_document(data, name, limits)
        decision = engine.decide([Segment(s.location, s.text) for s in result.segments])
        if decision.verdict.value != "pass" or result.unscannable:
            false_holds += 1
            print(f"  false hold: {name}")

    def share(values: list[bool]) -> str:
        return f"{100 * sum(values) / len(values):5.1f}%"

    for engine_name, table_rows in (("rapidocr (PP-OCRv4, the gateway's)", rows),
                                    ("tesseract 5 chi_sim", tess_rows)):  # fmt: skip
        if not table_rows:
            continue
        print(f"\n{engine_name}")
        print(
            f"{'kind':6} {'n':>3} {'ms/picture':>10} {'marking':>8} {'phrase':>8} {'char acc':>8} {'held':>7}"
        )
        for kind in ("page", "scan", "photo", "all"):
            sel = [r for r in table_rows if kind in ("all", r[1])]
            ms = 1000 * sum(r[2] for r in sel) / len(sel)
            acc = sum(r[5] for r in sel) / len(sel)
            print(f"{kind:6} {len(sel):3} {ms:10.0f} {share([r[3] for r in sel]):>8} "
                  f"{share([r[4] for r in sel]):>8} {acc:8.3f} {share([r[6] for r in sel]):>7}")  # fmt: skip
    print(f"ordinary pictures falsely held: {false_holds}/4")
    print(f"peak RSS of this process (models + reading): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
