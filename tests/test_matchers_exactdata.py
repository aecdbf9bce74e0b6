"""Exact-data match: rows of a registered roster, whatever their formatting."""

from __future__ import annotations

import pytest

from matchers.exactdata import DataSet, ExactDataIndex

KEY = b"unit-test-key-0123456789abcdef!!"
ROWS = [
    ["韩立新", "ZG10231", "13907311234", "青石镇幸福村三组12号"],
    ["欧阳春梅", "ZG10232", "13807315678", "青石镇幸福村五组3号"],
    ["苏文博", "ZG10233", "15973190123", "青石镇柳树湾村一组7号"],
    ["蒋晓红", "ZG10234", "18673104567", "青石镇柳树湾村二组21号"],
    ["龙海波", "ZG10235", "13317318901", "青石镇石门村四组9号"],
]


@pytest.fixture(scope="module")
def index() -> ExactDataIndex:
    data = DataSet.register(
        "dibao", "低保名册", "personal_data", ["姓名", "编号", "电话", "住址"], ROWS, KEY,
        unique=[1], min_values=2, min_rows=3,
    )  # fmt: skip
    return ExactDataIndex(KEY, [data])


def test_rows_as_csv_are_found(index: ExactDataIndex) -> None:
    csv = "姓名,编号,电话,住址\n" + "\n".join(",".join(r) for r in ROWS[:4])
    [match] = index.match(csv)
    assert (match.label, match.rows, match.total_rows) == ("低保名册", 4, 5)


def test_rows_pasted_with_other_formatting(index: ExactDataIndex) -> None:
    body = "\n".join(
        f"{r[0]}  手机 {r[2][:3]}-{r[2][3:7]}-{r[2][7:]}  家住{r[3]}" for r in ROWS[1:4]
    )
    [match] = index.match(body)
    assert match.rows == 3


def test_unique_identifiers_count_alone(index: ExactDataIndex) -> None:
    [match] = index.match("请核对：ZG10231、ZG10233、ZG10235 三户的材料")
    assert match.rows == 3


def test_names_alone_and_an_unrelated_roster_are_not_found(index: ExactDataIndex) -> None:
    assert index.match("韩立新、苏文博、龙海波三位同志参加会议") == []
    other = "\n".join(
        f"{n},1390731{i:04d},城关镇{i}号" for i, n in enumerate(["王强", "李娜", "张敏"])
    )
    assert index.match(other) == []


def test_a_number_inside_a_longer_number_does_not_count(index: ExactDataIndex) -> None:
    text = "流水号 9139073112340、9138073156780、9159731901230，户名 韩立新 欧阳春梅 苏文博"
    assert index.match(text) == []
