"""Generate ``docs/范围表示例.xlsx``: a sample 工作秘密事项范围表 as officers keep it.

Invented content in the usual shape: a merged title row, a note row, a header row with a
line break inside a name (保密\\n期限), 类别 cells merged down their rows, some rows with a
关键词 column and some without. ``dlp-gateway scope import docs/范围表示例.xlsx`` reads it.

Run: ``python docs/scope_sample.py`` (openpyxl). The output is byte-for-byte reproducible.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

TARGET = Path(__file__).resolve().parent / "范围表示例.xlsx"
FIXED = dt.datetime(2026, 12, 1, 9, 0, 0)
HEADER = ("序号", "事项名称", "类别", "密级", "保密\n期限", "知悉范围", "关键词")
ROWS = (
    (
        "干部人事",
        [
            (
                "干部选拔任用中的动议、酝酿、考察情况及拟任人选",
                "工作秘密",
                "任前公示前",
                "组织部门、相关领导",
                "动议方案、酝酿人选、考察材料、拟任人选",
            ),
            ("年度考核拟定等次及未公布的考核结果", "工作秘密", "结果公布前", "考核委员会", ""),
            (
                "领导干部个人有关事项报告及查核结果",
                "工作秘密",
                "长期",
                "组织部门",
                "个人有关事项报告、查核结果",
            ),
        ],
    ),
    (
        "征地拆迁",
        [
            (
                "征收土地预公告发布前的拟征收范围和用地红线",
                "工作秘密",
                "预公告发布前",
                "征迁指挥部成员",
                "用地红线、拟征收范围、红线图",
            ),
            (
                "房屋征收谈判底线、奖励口径及未公开的分户补偿测算",
                "工作秘密",
                "签约完成前",
                "征迁指挥部成员",
                "谈判底线、谈判口径、分户补偿测算",
            ),
            (
                "土地收储计划和出让底价",
                "工作秘密",
                "挂牌出让前",
                "土储中心、局党组",
                "收储计划、出让底价",
            ),
        ],
    ),
    (
        "公安维稳",
        [
            (
                "重点人员稳控名单及稳控措施",
                "工作秘密",
                "长期",
                "综治、公安部门",
                "稳控名单、稳控措施、包保干部",
            ),
            ("涉黑涉恶线索及研判情况", "秘密", "10年", "政法委、公安部门", "涉恶线索、线索研判"),
            ("群体性事件处置预案及警力部署", "工作秘密", "处置完毕后", "处置指挥部", ""),
        ],
    ),
)


def build() -> bytes:
    book = openpyxl.Workbook()
    book.properties.creator = "区保密办"
    book.properties.created = book.properties.modified = FIXED
    sheet = book.active
    assert sheet is not None
    sheet.title = "范围表"
    sheet.append(["临江区××局工作秘密事项范围表"])
    sheet.merge_cells("A1:G1")
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(["（2026年12月修订，经局党组审定）"])
    sheet.merge_cells("A2:G2")
    sheet.append(list(HEADER))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    number = 0
    for category, items in ROWS:
        first = sheet.max_row + 1
        for item, level, period, scope, keywords in items:
            number += 1
            sheet.append([number, item, category, level, period, scope, keywords])
        sheet.merge_cells(start_row=first, start_column=3, end_row=sheet.max_row, end_column=3)
    for column, width in zip("ABCDEFG", (6, 44, 10, 10, 12, 18, 36), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed(buffer.getvalue())


def _fixed(data: bytes) -> bytes:
    """Fixed member timestamps and core dates: the file rebuilds byte for byte."""
    import re

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, (2026, 12, 1, 9, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*)>[^<]*<",
                    rb"\1>2026-12-01T09:00:00Z<",
                    body,
                )
            dst.writestr(member, body)
    return out.getvalue()


if __name__ == "__main__":
    TARGET.write_bytes(build())
    print(f"wrote {TARGET}")
