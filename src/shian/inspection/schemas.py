"""API schemas of inspections."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from shian.core.schemas import StrictSchema


class PlanIn(StrictSchema):
    jurisdiction: str = Field(min_length=6, max_length=12, description="辖区代码（市、区或街道）")
    year: int = Field(ge=2000, le=2100)
    frequencies: dict[str, int] | None = Field(default=None, description="各风险等级每年检查次数，如 {\"A\":1,\"B\":1,\"C\":2,\"D\":3}；省略用默认值")


class PlanOut(Schema):
    id: int
    jurisdiction: str
    jurisdiction_name: str
    year: int
    frequencies: dict[str, int]
    operator_count: int
    item_count: int
    digest: str
    created_at: datetime


class PlanItemOut(Schema):
    id: int
    operator_id: int
    operator_name: str
    grade: str
    grade_source: str
    scope: str
    focus_reasons: list[str]
    due_month: int
    due_quarter: int
    inspection_id: int | None


class DrawIn(StrictSchema):
    title: str = Field(min_length=1, max_length=128)
    jurisdiction: str = Field(min_length=6, max_length=12, description="目标库辖区代码")
    types: list[str] = Field(default_factory=list, description="经营者类型代码；空为全部")
    grades: list[str] = Field(default_factory=list, description="风险等级；空为全部")
    credit: str = Field(default="", description="\"\"、\"flagged\" 或 \"unflagged\"（信用模块接入前无标记）")
    plan_id: int | None = Field(default=None, description="从年度计划的未完成项目中抽取")
    quarter: int | None = Field(default=None, ge=1, le=4)
    count: int | None = Field(default=None, ge=1)
    proportion: Decimal | None = Field(default=None, gt=0, le=100, description="抽取比例（%），与 count 二选一")
    per_inspection: int = Field(default=2, ge=1, le=6, description="每次检查的检查人员数（至少2名）")
    organisation_ids: list[int] = Field(default_factory=list, description="检查人员所属机构；空为辖区内全部")
    scope: str = "routine"


class DrawnOut(Schema):
    rank: int
    target: str
    operator_id: int | None
    operator_name: str
    inspectors: list[str]
    excluded: list[str]
    inspection_id: int | None


class DrawOut(Schema):
    id: int
    title: str
    jurisdiction: str
    seed: str
    target_pool_hash: str
    target_pool_size: int
    inspector_pool_hash: str
    inspector_pool_size: int
    count: int
    proportion: Decimal | None
    per_inspection: int
    filters: dict[str, object]
    ran_by: str
    ran_at: datetime
    publish_due: date
    published_at: datetime | None
    drawn: list[DrawnOut] = Field(default_factory=list)


class VerifyOut(Schema):
    ok: bool
    problems: list[str]
    seed: str
    target_pool_hash: str
    inspector_pool_hash: str
    target_keys: list[str]
    inspector_keys: list[str]
    count: int
    per_inspection: int
    drawn: list[dict[str, object]]


class ItemOut(Schema):
    id: int
    number: str
    section: str
    text: str
    key: bool
    basis: str
    outcome: str | None = None
    note: str = ""


class InspectionSummaryOut(Schema):
    id: int
    operator_id: int
    operator_name: str
    scope: str
    status: str
    due_on: date | None
    draw_id: int | None
    inspected_at: datetime | None
    result: str
    closed_at: datetime | None


class PhotoOut(Schema):
    id: int
    sha256: str
    content_type: str
    original_name: str
    item_id: int | None


class InspectionOut(InspectionSummaryOut):
    checklist: str
    inspectors: list[str]
    place: str
    latitude: Decimal | None
    longitude: Decimal | None
    representative_name: str
    representative_signature: str
    acknowledged_at: datetime | None
    summary: str
    key_failures: int
    general_failures: int
    failed_items: list[str]
    revision: int
    record_hash: str
    verify_code: str | None
    publish_due: date | None
    published_at: datetime | None
    items: list[ItemOut]
    photos: list[PhotoOut]


class AnswerIn(StrictSchema):
    item_id: int
    outcome: str = Field(description="pass（符合）、fail（不符合）或 na（不适用）")
    note: str = Field(default="", max_length=500)


class FindingsIn(StrictSchema):
    answers: list[AnswerIn] = Field(default_factory=list)
    inspected_at: datetime | None = None
    place: str | None = Field(default=None, max_length=200)
    latitude: Decimal | None = Field(default=None, ge=-90, le=90)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180)
    summary: str | None = Field(default=None, max_length=4000)


class AcknowledgeIn(StrictSchema):
    representative_name: str = Field(min_length=1, max_length=64)
    signature: str = Field(min_length=1, max_length=200)


class CloseIn(StrictSchema):
    rectification_working_days: int | None = Field(default=None, ge=1, le=120, description="有不符合项时下达整改通知的期限；省略则不下达")


class AmendmentIn(StrictSchema):
    answers: list[AnswerIn] = Field(min_length=1)
    reason: str = Field(min_length=1, max_length=1000)


class AmendmentOut(Schema):
    id: int
    inspection_id: int
    revision: int
    reason: str
    changes: list[dict[str, object]]
    result_before: str
    result_after: str
    hash_before: str
    hash_after: str
    amended_at: datetime


class ChecklistOut(Schema):
    id: int
    code: str
    version: int
    name: str
    operator_types: list[str]
    active: bool
    source: str
    items: list[ItemOut]


class PublicResultOut(Schema):
    operator_name: str
    uscc: str
    jurisdiction: str
    inspected_on: date | None
    result: str
    published_at: datetime | None
    verify_code: str
    draw_id: int | None


class CoverageOut(Schema):
    grade: str
    operators: int
    inspected: int
    rate: float | None


class OverdueOut(Schema):
    draws: list[DrawOut]
    inspections: list[InspectionSummaryOut]
