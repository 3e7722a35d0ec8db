"""API schemas of the risk module."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from shian.core.schemas import StrictSchema


class SourceOut(Schema):
    text: str
    confidence: str = Field(description="V 核对原文；S 二手来源；U 未核实（本地做法，可配置）")


class FactorLineOut(Schema):
    code: str
    kind: str = Field(description="static 静态风险；dynamic 动态风险；adjustment 等级调整")
    name: str
    detail: str = Field(description="该因素读取到的情况")
    raw: float = Field(description="按分值表计算的原始分")
    points: float = Field(description="计入的分值（调整项：调高的等级数）")
    weight: float | None
    cap: float | None
    source: SourceOut
    note: str


class GradeOut(Schema):
    operator_id: int
    operator_name: str
    grade: str
    source: str = Field(description="default 按业态默认；assessment 年度评定；event 事件触发重新评分；manual 人工")
    since: date | None
    score: Decimal | None
    computed_grade: str | None = Field(description="分值与调整项得出的等级（人工调整时可能不同）")
    overridden: bool
    note: str
    static: float | None = None
    dynamic: float | None = None
    score_grade: str | None = Field(default=None, description="分值所在分档的等级（调整前）")
    levels: int = 0
    factors: list[FactorLineOut] = []
    rules_changed: bool = False


class GradeListOut(Schema):
    operator_id: int
    operator_name: str
    jurisdiction: str
    grade: str
    source: str
    score: Decimal | None
    since: date | None


class HistoryOut(Schema):
    id: int
    grade: str
    since: date
    source: str
    score: Decimal | None
    computed_grade: str
    overridden: bool
    note: str
    set_by: str | None
    created_at: datetime


class OverrideIn(StrictSchema):
    grade: str = Field(description="A/B/C/D")
    reason: str = Field(default="", max_length=500, description="必填：调整理由")


class WarningOut(Schema):
    id: int
    operator_id: int
    operator_name: str
    raised_on: date
    jumped: bool
    crossed: bool
    score_before: Decimal
    score_after: Decimal
    grade_before: str
    grade_after: str
    status: str
    handling_note: str


class HandleIn(StrictSchema):
    note: str = Field(default="", max_length=500)


class FactorOut(Schema):
    code: str
    kind: str
    name: str
    weight: Decimal
    cap: Decimal
    points: dict[str, Any]
    source: SourceOut
    note: str


class BandOut(Schema):
    grade: str
    lower: Decimal
    upper: Decimal | None


class ParameterOut(Schema):
    code: str
    name: str
    value: Decimal
    source: SourceOut


class RulesOut(Schema):
    factors: list[FactorOut]
    bands: list[BandOut]
    parameters: list[ParameterOut]
    general: list[SourceOut]


class BandIn(StrictSchema):
    grade: str
    lower: Decimal
    upper: Decimal | None = None


class BandsIn(StrictSchema):
    bands: list[BandIn]


class FactorIn(StrictSchema):
    weight: Decimal | None = None
    cap: Decimal | None = None
    points: dict[str, Decimal] | None = None


class ParameterIn(StrictSchema):
    value: Decimal


class ReasonOut(Schema):
    feature: str
    label: str
    contribution: float


class PendingOut(Schema):
    operator_id: int
    operator_name: str
    uscc: str
    plan_item_id: int
    due_month: int
    scope: str
    grade: str
    probability: float | None
    reasons: list[ReasonOut]


class ModelOut(Schema):
    id: int
    trained_at: datetime
    trained_by: str | None
    data_from: date | None
    data_until: date | None
    examples: int
    positives: int
    params: dict[str, Any]
    validation: dict[str, Any]
    backtest: dict[str, Any]
    sha256: str
    active: bool


class PendingListOut(Schema):
    model: ModelOut | None
    items: list[PendingOut]
    count: int
