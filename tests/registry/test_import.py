"""Excel/CSV import: all rows or none, with a report naming every bad row and field."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from shian.core.models import AuditEntry, Job
from shian.registry.imports import COLUMNS
from shian.registry.models import Licence, Operator
from tests.conftest import World, make_uscc

HEADER = [h for h, _k, _r in COLUMNS]


def _row(n: int, **over: str) -> list[str]:
    values = {"名称": f"江门市导入{n}号餐厅", "统一社会信用代码": make_uscc(1000 + n), "法定代表人": "导入人", "经营者类型": "restaurant、retailer",
              "经营范围": "B04,热食类食品制售", "地址": f"江门市蓬江区导入路{n}号", "行政区划代码": "440703001", "规模": "小型", "联系电话": "",
              "许可证类型": "经营", "许可证编号": f"JY1440703{500 + n:07d}", "发证日期": "2024-03-01", "有效期至": "2029-02-28",
              "发证机关": "蓬江区市场监督管理局"}
    values.update(over)
    return [values[h] for h in HEADER]


def _xlsx(rows: list[list[str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(client, content: bytes, name: str = "ops.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/api/v1/operators/import", {"file": SimpleUploadedFile(name, content)})


@pytest.mark.django_db
def test_valid_file_imports_every_row_with_audit(world: World) -> None:
    before = Operator.objects.count()
    client = world.client("district_regulator")
    audit_before = AuditEntry.objects.count()
    r = _upload(client, _xlsx([_row(i) for i in range(1, 31)]))
    assert r.status_code == 202, r.content
    result = r.json()["result"]
    assert result["ok"] and result["imported"] == 30 and result["licences"] == 30
    assert Operator.objects.count() == before + 30
    op = Operator.objects.get(name="江门市导入7号餐厅")
    assert sorted(op.types.values_list("code", flat=True)) == ["restaurant", "retailer"]
    assert list(op.scope.values_list("code", flat=True)) == ["B04"]
    assert Licence.objects.get(number="JY14407030000507").operator == op
    assert AuditEntry.objects.count() == audit_before + 61  # 30 operators, 30 licences, 1 import event
    assert AuditEntry.objects.filter(action="operators.imported", data__rows=30).exists()
    from shian.core import audit

    assert audit.verify()[1] == []


@pytest.mark.django_db
def test_invalid_file_imports_nothing_and_reports_every_bad_row(world: World) -> None:
    rows = [_row(i) for i in range(1, 11)]
    rows[1] = _row(2, 统一社会信用代码="91440703ABCDEFGHIJ")          # row 3: bad USCC
    rows[3] = _row(4, 行政区划代码="440704001")                          # row 5: other district
    rows[4] = _row(5, 统一社会信用代码=rows[0][1])                       # row 6: repeats row 2
    rows[6] = _row(7, 许可证编号="JY123", 有效期至="2020-01-01")          # row 8: two problems
    rows[8] = _row(9, 经营者类型="飞船", 名称="")                         # row 10: two problems
    rows[9] = _row(10, 统一社会信用代码=world.op1.uscc)                   # row 11: already registered
    before = Operator.objects.count()
    job = _upload(world.client("district_regulator"), _xlsx(rows)).json()
    result = job["result"]
    assert result["ok"] is False and result["imported"] == 0
    found = {(e["row"], e["column"]) for e in result["errors"]}
    assert found == {(3, "统一社会信用代码"), (5, "行政区划代码"), (6, "统一社会信用代码"), (8, "许可证编号"), (8, "有效期至"),
                     (10, "经营者类型"), (10, "名称"), (11, "统一社会信用代码")}
    assert all(e["message"] for e in result["errors"])
    assert Operator.objects.count() == before


@pytest.mark.django_db
def test_csv_in_gb18030_imports(world: World) -> None:
    lines = [",".join(HEADER), ",".join(_row(1, 经营范围="B04"))]
    content = "\n".join(lines).encode("gb18030")
    result = _upload(world.client("city_regulator"), content, "ops.csv").json()["result"]
    assert result["ok"] and result["imported"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "name", "code"), [
    (b"not a zip", "ops.xlsx", "import_unreadable"),
    (b"a,b\n1,2", "ops.csv", "import_columns"),
    (b"", "ops.csv", "import_empty"),
])
def test_unreadable_files_are_reported(world: World, content: bytes, name: str, code: str) -> None:
    result = _upload(world.client("city_regulator"), content, name).json()["result"]
    assert result["ok"] is False and result["errors"][0]["row"] == 0


@pytest.mark.django_db
def test_wrong_file_type_is_refused_before_the_job(world: World) -> None:
    r = _upload(world.client("city_regulator"), b"hello", "ops.txt")
    assert r.status_code == 400 and r.json()["code"] == "import_file_type"
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_oversized_file_gets_413(world: World, settings) -> None:
    settings.SHIAN_IMPORT_MAX_BYTES = 100
    r = _upload(world.client("city_regulator"), b"x" * 200, "ops.csv")
    assert r.status_code == 413 and r.json()["code"] == "import_too_large"


@pytest.mark.django_db
def test_import_page_flow_shows_report(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = world.client("district_regulator")
    assert client.get("/operators/import/template.xlsx").status_code == 200
    r = client.post("/operators/import/", {"file": SimpleUploadedFile("ops.xlsx", _xlsx([_row(1, 规模="巨型")]))})
    assert r.status_code == 302
    page = client.get(r["Location"]).content.decode()
    assert "规模" in page
    r = client.post("/operators/import/", {})
    assert r.status_code == 400


@pytest.mark.django_db
def test_template_row_is_valid(world: World) -> None:
    from openpyxl import load_workbook

    from shian.registry.imports import read_rows, template_workbook, validate_rows

    rows = list(read_rows(template_workbook(), "t.xlsx"))
    load_workbook(io.BytesIO(template_workbook()))
    _cleaned, errors = validate_rows(rows, world.users["city_regulator"].principal)
    assert errors == []
