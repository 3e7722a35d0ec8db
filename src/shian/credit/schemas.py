"""API schemas of the credit module."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Field, Schema

from shian.core.schemas import StrictSchema


class SourceOut(Schema):
    text: str
    confidence: str = Field(description="V 核对原文；S 二手来源；U 未核实（本地做法，可配置）")


class RecordIn(StrictSchema):
    operator_id: int
    kind: Literal["penalty", "complaint", "commitment", "award"] = Field(description="行政处罚、经核实的投诉、信用承诺、表彰奖励")
    severity: Literal["", "minor", "moderate", "serious"] = Field(default="", description="失信程度；承诺和表彰为空")
    title: str = Field(min_length=1, max_length=200)
    facts: str = Field(default="", max_length=4000)
    occurred_on: date = Field(description="处罚决定日期、核实日期、承诺或表彰日期")
    legal_ground: str = Field(default="", max_length=300, description="处罚必填")
    decision_number: str = Field(default="", max_length=64, description="行政处罚决定书文号（处罚必填，唯一）")
    withhold: bool = Field(default=False, description="可公示的记录不对外公示")


class RecordOut(Schema):
    id: int
    operator_id: int
    operator_name: str
    kind: str
    severity: str
    title: str
    facts: str
    legal_ground: str
    decision_number: str
    source_ref: str
    source_url: str
    occurred_on: date
    effect_until: date
    public: bool
    display_until: date | None
    repair_from: date | None
    repaired: bool
    repaired_on: date | None
    withdrawn: bool
    withdrawn_reason: str
    displayed: bool = Field(description="今天是否在公开信用画像上展示")
    in_effect: bool = Field(description="今天是否计入信用等级")
    period_rule: str
    period_source: SourceOut


class PublicRecordOut(Schema):
    kind: str
    severity: str
    title: str
    facts: str
    legal_ground: str
    decision_number: str
    occurred_on: date
    display_until: date | None


class ReasonIn(StrictSchema):
    reason: str = Field(min_length=1, max_length=300)


class RepairIn(StrictSchema):
    obligations_fulfilled: bool = Field(description="已履行法定义务（缴清罚款、完成整改）")
    harm_removed: bool = Field(default=False, description="已消除危害后果（提前移出名单时必需）")
    evidence: str = Field(default="", max_length=4000)
    applied_on: date | None = None


class EligibilityOut(Schema):
    eligible: bool
    code: str
    message: str
    field: str | None
    earliest_date: date | None


class RepairOut(Schema):
    id: int
    record_id: int
    operator_id: int
    record_kind: str
    status: str
    applied_on: date
    due_on: date = Field(description="决定期限（工作日）")
    obligations_fulfilled: bool
    harm_removed: bool
    evidence: str
    decided_on: date | None
    decision_reason: str
    earliest_date: date | None


class RepairDecideIn(StrictSchema):
    approve: bool
    reason: str = Field(default="", max_length=500, description="不予修复时必填")
    decided_on: date | None = None
    earliest_date: date | None = Field(default=None, description="不予修复时：可再次申请的日期")


class ListingIn(StrictSchema):
    penalty_id: int = Field(description="信用档案中的严重行政处罚记录")
    ground: Literal["aggravated_fine", "licence_revoked", "closure", "practice_restriction"]
    facts: str = Field(min_length=1, max_length=4000)
    proposed_on: date | None = None


class ListingDecideIn(StrictSchema):
    approve: bool
    reason: str = Field(default="", max_length=500, description="不予列入时必填")
    decided_on: date | None = None


class ListingOut(Schema):
    id: int
    operator_id: int
    operator_name: str
    penalty_id: int
    decision_number: str
    ground: str
    ground_label: str
    facts: str
    status: str
    proposed_on: date
    decided_on: date | None
    decision_reason: str
    published_on: date | None
    removal_due: date | None
    removed_on: date | None
    removal: str
    record_id: int | None


class PublicListingOut(Schema):
    operator_name: str
    uscc: str
    jurisdiction: str
    ground_label: str
    decision_number: str
    published_on: date | None
    removal_due: date | None


class SanctionsOut(Schema):
    operator_id: int
    level: str
    listed: bool
    no_instant_approval: bool = Field(description="不适用秒批、告知承诺审批")
    extra_inspections: int = Field(description="每年增加的检查次数")
    excluded_from_quality_brand: bool
    excluded_from_honours: bool
    public_flag: bool
    triggers: list[str]
    sources: list[SourceOut]


class PointIn(StrictSchema):
    points: Literal[1, 2, 5]
    violation: str = Field(min_length=1, max_length=200)
    occurred_on: date


class PointOut(Schema):
    id: int
    operator_id: int
    occurred_on: date
    points: int
    violation: str


class PointsOut(Schema):
    cycle_start: date
    cycle_end: date
    total: int
    grade: str = Field(description="甲/乙/丙/丁")
    consequence: str
    source: SourceOut
    entries: list[PointOut]


class HygieneOut(Schema):
    dynamic: str | None = Field(description="laugh 大笑 / smile 微笑 / flat 平脸")
    dynamic_label: str
    dynamic_on: date | None
    quiet_until: date | None = Field(description="新许可3个月内不评定动态等级")
    annual: str | None = Field(description="A/B/C")
    annual_year: int | None
    annual_score: float | None


class ProfileOut(Schema):
    operator_id: int
    name: str
    uscc: str
    level: str
    level_label: str
    decided_by: list[str]
    counts: dict[str, int]
    sanctions: SanctionsOut
    records: list[RecordOut]
    listing: ListingOut | None
    repairs: list[RepairOut]
    points: PointsOut | None
    hygiene: HygieneOut | None
    public_url: str


class PublicPointsOut(Schema):
    grade: str
    total: int
    cycle_start: date
    cycle_end: date


class PublicProfileOut(Schema):
    name: str
    uscc: str
    jurisdiction: str
    level: str | None = Field(description="仅当配置允许公示信用等级时给出")
    serious_violation: bool = Field(description="列入严重违法失信名单")
    records: list[PublicRecordOut]
    points: PublicPointsOut | None
    hygiene: HygieneOut | None


class CandidateOut(Schema):
    record_id: int
    title: str
    kind: str
    severity: str
    chosen: bool
    eligibility: EligibilityOut


class WhatIfOut(Schema):
    level_before: str
    level_after: str
    shown_before: int
    shown_after: int
    sanctions_before: SanctionsOut
    sanctions_after: SanctionsOut
    candidates: list[CandidateOut]
