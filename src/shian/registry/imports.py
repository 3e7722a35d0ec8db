"""Bulk import of operators with their licences from Excel (.xlsx) or CSV.

All or nothing: every row is checked first; a file with any bad row imports nothing and
returns a report naming each bad row, column and reason (in Chinese). A clean file is written
in one transaction with bulk inserts and bulk audit entries.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from shian.core import access, audit, jobs
from shian.core.access import Principal
from shian.core.context import acting_as
from shian.core.db import bulk_insert
from shian.core.errors import Invalid, TooLarge
from shian.core.ids import normalise_licence_number, normalise_uscc
from shian.core.jobs import JobContext, job
from shian.core.models import Jurisdiction
from shian.registry.models import FoodCategory, Licence, Operator, OperatorType

# Column header (as in the template) -> field key. Headers are Chinese: regulators' files are.
COLUMNS: list[tuple[str, str, bool]] = [
    ("名称", "name", True),
    ("统一社会信用代码", "uscc", True),
    ("法定代表人", "legal_representative", True),
    ("经营者类型", "types", True),
    ("经营范围", "scope", False),
    ("地址", "address", True),
    ("行政区划代码", "jurisdiction", True),
    ("规模", "scale", False),
    ("联系电话", "phone", False),
    ("许可证类型", "licence_kind", False),
    ("许可证编号", "licence_number", False),
    ("发证日期", "licence_issued_on", False),
    ("有效期至", "licence_expires_on", False),
    ("发证机关", "licence_authority", False),
]
HEADER_TO_KEY = {h: k for h, k, _req in COLUMNS}
KEY_TO_HEADER = {k: h for h, k, _req in COLUMNS}
SCALES = {"小型": "small", "中型": "medium", "大型": "large", "small": "small", "medium": "medium", "large": "large", "": "small"}
LICENCE_KINDS = {"生产": "production", "经营": "business", "production": "production", "business": "business", "SC": "production", "JY": "business"}
MAX_ROWS = 200_000


@dataclass
class RowError:
    """One problem in one row (row numbers count the header as row 1, as Excel does)."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    """What an import did: rows read, imported, and every error."""

    rows: int = 0
    imported: int = 0
    licences: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "imported": self.imported, "licences": self.licences, "ok": not self.errors,
                "errors": [e.as_dict() for e in self.errors]}


def read_rows(content: bytes, filename: str) -> Iterator[dict[str, str]]:
    """Yield each data row as {field key: text}; raises Invalid for an unreadable file or header."""
    name = filename.lower()
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = content.decode("gb18030")
            except UnicodeDecodeError:
                raise Invalid(_("The CSV file is neither UTF-8 nor GB18030 encoded."), code="import_encoding", field="file") from None
        rows: Iterator[list[Any]] = iter(csv.reader(io.StringIO(text)))
    elif name.endswith((".xlsx", ".xls", ".ods")):
        try:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
            rows = iter(sheet.to_python(skip_empty_area=False))
        except Exception:
            raise Invalid(_("The file is not a readable Excel (.xlsx) workbook."), code="import_unreadable", field="file") from None
    else:
        raise Invalid(_("Upload an .xlsx or .csv file."), code="import_file_type", field="file")
    header = next(rows, None)
    if header is None:
        raise Invalid(_("The file is empty."), code="import_empty", field="file")
    keys = [HEADER_TO_KEY.get(str(h).strip() if h is not None else "") for h in header]
    missing = [h for h, k, req in COLUMNS if req and k not in keys]
    if missing:
        raise Invalid(_("Missing required columns: %(cols)s.") % {"cols": "、".join(missing)}, code="import_columns", field="file")
    for values in rows:
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        row: dict[str, str] = {}
        for key, value in zip(keys, values, strict=False):
            if key is None:
                continue
            if isinstance(value, datetime):
                row[key] = value.date().isoformat()
            elif isinstance(value, date):
                row[key] = value.isoformat()
            elif isinstance(value, float) and value.is_integer():
                row[key] = str(int(value))
            else:
                row[key] = "" if value is None else str(value).strip()
        yield row


def _split(value: str) -> list[str]:
    for sep in ("、", "，", ";", "；", "|"):
        value = value.replace(sep, ",")
    return [v.strip() for v in value.split(",") if v.strip()]


def _date(value: str) -> date:
    return date.fromisoformat(value.replace("/", "-").replace(".", "-")[:10])


@dataclass
class _Lookup:
    """Reference data loaded once per import (no queries per row)."""

    jurisdictions: dict[str, Jurisdiction]
    types: dict[str, OperatorType]
    categories: dict[str, FoodCategory]

    @classmethod
    def load(cls) -> _Lookup:
        types = {t.code: t for t in OperatorType.objects.all()}
        types.update({t.name: t for t in list(types.values())})
        cats = {c.code: c for c in FoodCategory.objects.all()}
        cats.update({c.name: c for c in list(cats.values())})
        return cls({j.code: j for j in Jurisdiction.objects.all()}, types, cats)


def validate_rows(rows: list[dict[str, str]], principal: Principal) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Check every row; return the cleaned rows and all errors (never stops at the first)."""
    lookup = _Lookup.load()
    errors: list[RowError] = []
    cleaned: list[dict[str, Any]] = []
    seen_uscc: dict[str, int] = {}
    seen_licence: dict[str, int] = {}
    for index, raw in enumerate(rows, start=2):
        row_errors: list[RowError] = []

        def err(key: str, message: str, index: int = index, row_errors: list[RowError] = row_errors) -> None:
            row_errors.append(RowError(index, KEY_TO_HEADER[key], message))

        out: dict[str, Any] = {}
        for _header, key, required in COLUMNS:
            if required and not raw.get(key):
                err(key, _("This column is required."))
        for key, limit in (("name", 128), ("legal_representative", 64), ("address", 200), ("phone", 20)):
            if len(raw.get(key, "")) > limit:
                err(key, _("At most %(n)d characters.") % {"n": limit})
        if raw.get("uscc"):
            try:
                out["uscc"] = normalise_uscc(raw["uscc"])
            except ValidationError as exc:
                err("uscc", exc.messages[0])
            else:
                if out["uscc"] in seen_uscc:
                    err("uscc", _("Repeats the code in row %(row)d.") % {"row": seen_uscc[out["uscc"]]})
                seen_uscc.setdefault(out["uscc"], index)
        if raw.get("types"):
            names = _split(raw["types"])
            bad = [n for n in names if n not in lookup.types]
            if bad:
                err("types", _("Unknown operator type: %(codes)s.") % {"codes": "、".join(bad)})
            out["types"] = sorted({lookup.types[n].pk for n in names if n in lookup.types})
        names = _split(raw.get("scope", ""))
        bad = [n for n in names if n not in lookup.categories]
        if bad:
            err("scope", _("Unknown food category: %(codes)s.") % {"codes": "、".join(bad)})
        out["scope"] = sorted({lookup.categories[n].pk for n in names if n in lookup.categories})
        if raw.get("jurisdiction"):
            j = lookup.jurisdictions.get(raw["jurisdiction"])
            if j is None:
                err("jurisdiction", _("Unknown division code %(code)s.") % {"code": raw["jurisdiction"]})
            elif not access.in_subtree(principal, j.path):
                err("jurisdiction", _("%(name)s is outside your jurisdiction.") % {"name": j.name})
            out["jurisdiction"] = j
        scale = SCALES.get(raw.get("scale", ""))
        if scale is None:
            err("scale", _("Scale must be 小型, 中型 or 大型."))
        out["scale"] = scale or "small"
        if raw.get("licence_number"):
            kind = LICENCE_KINDS.get(raw.get("licence_kind", "") or raw["licence_number"][:2].upper())
            if kind is None:
                err("licence_kind", _("Licence kind must be 生产 or 经营."))
            else:
                try:
                    out["licence_number"] = normalise_licence_number(raw["licence_number"], kind)
                except ValidationError as exc:
                    err("licence_number", exc.messages[0])
                else:
                    if out["licence_number"] in seen_licence:
                        err("licence_number", _("Repeats the licence in row %(row)d.") % {"row": seen_licence[out["licence_number"]]})
                    seen_licence.setdefault(out["licence_number"], index)
            out["licence_kind"] = kind
            for key in ("licence_issued_on", "licence_expires_on"):
                if not raw.get(key):
                    err(key, _("Required when a licence number is given."))
                    continue
                try:
                    out[key] = _date(raw[key])
                except ValueError:
                    err(key, _("Not a date (use YYYY-MM-DD)."))
            issued, expires = out.get("licence_issued_on"), out.get("licence_expires_on")
            if isinstance(issued, date) and isinstance(expires, date) and expires <= issued:
                err("licence_expires_on", _("The expiry date must be after the issue date."))
            if not raw.get("licence_authority"):
                err("licence_authority", _("Required when a licence number is given."))
        for key in ("name", "legal_representative", "address", "phone", "licence_authority"):
            out.setdefault(key, raw.get(key, ""))
        errors.extend(row_errors)
        cleaned.append(out)
    _check_existing(cleaned, rows, errors)
    errors.sort(key=lambda e: e.row)
    return cleaned, errors


def _check_existing(cleaned: list[dict[str, Any]], rows: list[dict[str, str]], errors: list[RowError]) -> None:
    """Refuse codes and licence numbers that are already registered (one query per 1000 rows)."""
    usccs = [r["uscc"] for r in cleaned if r.get("uscc")]
    numbers = [r["licence_number"] for r in cleaned if r.get("licence_number")]
    existing_ops: dict[str, str] = {}
    existing_lic: set[str] = set()
    for i in range(0, len(usccs), 1000):
        existing_ops.update(Operator.objects.filter(uscc__in=usccs[i:i + 1000]).values_list("uscc", "name"))
    for i in range(0, len(numbers), 1000):
        existing_lic.update(Licence.objects.filter(number__in=numbers[i:i + 1000]).values_list("number", flat=True))
    for index, row in enumerate(cleaned, start=2):
        if row.get("uscc") in existing_ops:
            errors.append(RowError(index, KEY_TO_HEADER["uscc"], _("Already registered to %(name)s.") % {"name": existing_ops[row["uscc"]]}))
        if row.get("licence_number") in existing_lic:
            errors.append(RowError(index, KEY_TO_HEADER["licence_number"], _("This licence is already recorded.")))


def import_operators(content: bytes, filename: str, *, principal: Principal, ctx: JobContext | None = None) -> ImportReport:
    """Validate and import a file; all rows or none."""
    access.require(principal, "operator", "import")
    rows = list(read_rows(content, filename))
    report = ImportReport(rows=len(rows))
    if len(rows) > MAX_ROWS:
        report.errors.append(RowError(MAX_ROWS + 2, "", _("At most %(n)d rows per file.") % {"n": MAX_ROWS}))
        return report
    if ctx:
        ctx.progress(0, len(rows))
    cleaned, errors = validate_rows(rows, principal)
    if not cleaned:
        errors.append(RowError(0, "", _("The file has no data rows.")))
    if errors:
        report.errors = errors
        return report
    with acting_as(principal.user, label=principal.label), transaction.atomic():
        ops = [Operator(name=r["name"], uscc=r["uscc"], legal_representative=r["legal_representative"], address=r["address"],
                        jurisdiction=r["jurisdiction"], scale=r["scale"], phone=r["phone"]) for r in cleaned]
        bulk_insert(Operator, ops)
        pairs = list(zip(ops, cleaned, strict=True))
        types_through = Operator.types.through
        scope_through = Operator.scope.through
        bulk_insert(types_through, [types_through(operator_id=op.pk, operatortype_id=t) for op, r in pairs for t in r["types"]])
        bulk_insert(scope_through, [scope_through(operator_id=op.pk, foodcategory_id=c) for op, r in pairs for c in r["scope"]])
        lics = [Licence(operator_id=op.pk, kind=r["licence_kind"], number=r["licence_number"], issued_on=r["licence_issued_on"],
                        expires_on=r["licence_expires_on"], authority=r["licence_authority"])
                for op, r in pairs if r.get("licence_number")]
        bulk_insert(Licence, lics)
        lic_scope_through = Licence.scope.through
        lic_scope = {op.pk: r["scope"] for op, r in pairs}
        lic_rows = [lic_scope_through(licence_id=lic.pk, foodcategory_id=c) for lic in lics for c in lic_scope[lic.operator_id]]
        bulk_insert(lic_scope_through, lic_rows)
        audit.record_changes_bulk(ops, operator=lambda o: o.pk)
        audit.record_changes_bulk(lics, operator=lambda o: o.operator_id)
        audit.record_event("operators.imported", obj=ops[0], data={"rows": len(ops), "licences": len(lics), "file": filename,
                                                                    "first_id": ops[0].pk, "last_id": ops[-1].pk})
    report.imported = len(ops)
    report.licences = len(lics)
    if ctx:
        ctx.progress(len(rows), len(rows))
    return report


@job("registry.import_operators")
def import_operators_job(ctx: JobContext) -> dict[str, Any]:
    """Job wrapper: reads the uploaded file saved under var/imports and imports it."""
    from shian.accounts.models import User

    p = ctx.params
    path = Path(p["path"])
    user = User.objects.filter(pk=p["user_id"]).first() if p.get("user_id") else None
    principal = Principal(role=p["role"], jurisdiction_path=p.get("jurisdiction_path"), organisation_id=p.get("organisation_id"),
                          user=user, label=p.get("label", ""))
    try:
        report = import_operators(path.read_bytes(), p["filename"], principal=principal, ctx=ctx)
    except Invalid as exc:
        return {"rows": 0, "imported": 0, "licences": 0, "ok": False, "errors": [{"row": 0, "column": "", "message": exc.message}]}
    finally:
        path.unlink(missing_ok=True)
    return report.as_dict()


def start_import(principal: access.Principal, file: Any) -> Any:
    """Save the upload under var/imports and start the import job (shared by page and API)."""
    limit = settings.SHIAN_IMPORT_MAX_BYTES
    if file.size > limit:
        raise TooLarge(_("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}, code="import_too_large", field="file")
    name = file.name or "upload"
    if not name.lower().endswith((".xlsx", ".xls", ".ods", ".csv")):
        raise Invalid(_("Upload an .xlsx or .csv file."), code="import_file_type", field="file")
    folder = settings.VAR_DIR / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(name.lower()).suffix}"
    with path.open("wb") as fh:
        for chunk in file.chunks():
            fh.write(chunk)
    params = {"path": str(path), "filename": name, "user_id": principal.user.pk if principal.user else None,
              "organisation_id": principal.organisation_id, "role": principal.role, "jurisdiction_path": principal.jurisdiction_path,
              "label": principal.label}
    return jobs.submit("registry.import_operators", params=params, by=principal.user)


def template_workbook() -> bytes:
    """An empty import template with the expected headers and one example row."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "经营者"
    ws.append([h for h, _k, _r in COLUMNS])
    ws.append(["江门市示例餐饮有限公司", "91440703004242429E", "张三", "restaurant", "B04、B05", "江门市蓬江区示例路1号",
               "440703001", "小型", "0750-1234567", "经营", "JY14407030000001", "2025-01-01", "2030-01-01", "江门市蓬江区市场监督管理局"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
