"""API schemas of sampling."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from shian.core.schemas import StrictSchema

Round = Literal["first", "retest"]


class SampleIn(StrictSchema):
    number: str = Field(default="", max_length=32, description="抽样单编号；省略时自动生成；重复返回409")
    purpose: Literal["enforcement", "monitoring"] = Field(default="enforcement", description="enforcement 监督抽检；monitoring 风险监测")
    operator_id: int = Field(description="被抽样经营者（登记系统中的经营者ID）")
    place: str = Field(min_length=1, max_length=200, description="抽样地点")
    product_name: str = Field(min_length=1, max_length=128)
    food_group: str = Field(min_length=1, max_length=32, description="食品类别（限量表中的食品分组代码，如 veg_leafy）")
    lot_id: int | None = Field(default=None, description="平台上的批次ID（已知时）")
    trace_code: str | None = Field(default=None, max_length=20, description="或：批次追溯码")
    lot_code: str = Field(default="", max_length=40, description="批号（批次不在平台上时填写）")
    sampled_on: date
    sampler_ids: list[int] = Field(min_length=2, max_length=10, description="抽样人员（至少2名执法人员）")
    seal_number: str = Field(min_length=1, max_length=32)
    quantity: Decimal = Field(gt=0, max_digits=10, decimal_places=3)
    quantity_unit: str = Field(default="kg", max_length=8)
    price_paid: Decimal = Field(gt=0, max_digits=10, decimal_places=2, description="购样费用（元）")
    lab_id: int = Field(description="承检机构（检验机构）")
    rapid_test_id: int | None = Field(default=None, description="由快检阳性引发时的快检记录ID")
    note: str = Field(default="", max_length=200)


class SampleOut(Schema):
    id: int
    number: str
    purpose: str
    operator_id: int
    operator_name: str
    place: str
    product_name: str
    food_group: str
    lot_id: int | None
    lot_code: str
    sampled_on: date
    seal_number: str
    quantity: Decimal
    quantity_unit: str
    price_paid: Decimal
    lab_id: int
    lab_name: str
    receive_due: date
    received_on: date | None
    report_due: date | None
    reported_on: date | None
    status: str
    conclusion: str


class SamplePage(Schema):
    count: int
    count_exact: bool
    items: list[SampleOut]


class ReceiveIn(StrictSchema):
    received_on: date | None = Field(default=None, description="省略时为今天")
    round: Round | None = Field(default=None, description="省略时按检验机构推断（初检或复检）")


class ItemIn(StrictSchema):
    item: str = Field(default="", max_length=64, description="检验项目：代码（chlorpyrifos）或中文名（毒死蜱）")
    value: str = Field(default="", max_length=40, description="检测值（数字）、“未检出”/ND/“<0.01”，或定性结果“检出”")
    unit: str = Field(default="", max_length=16, description="单位，如 mg/kg、μg/kg、mg/L、CFU/g、/25g；与限量单位不同时自动换算")
    unit_values: list[str] = Field(default_factory=list, max_length=20, description="采样方案（n/c/m/M）各样品单元的结果")
    method_standard: str = Field(min_length=1, max_length=64, description="检验方法标准，如 GB 23200.113-2018")
    limit_id: int | None = Field(default=None, description="限量表行ID；省略时按样品的食品分组查找")


class ReportBody(StrictSchema):
    items: list[ItemIn] = Field(min_length=1, max_length=200)
    reported_on: date | None = None
    round: Round | None = None


class BulkReportIn(ReportBody):
    sample_id: int | None = None
    sample_number: str | None = Field(default=None, max_length=32)


class BulkIn(StrictSchema):
    reports: list[BulkReportIn] = Field(min_length=1, max_length=5000)


class ResultOut(Schema):
    item_code: str
    item: str
    value_text: str
    value: Decimal | None
    unit: str
    unit_values: list[str]
    detected: bool
    value_in_limit_unit: Decimal | None
    method_standard: str
    limit_id: int | None
    limit: str
    standard: str
    clause: str
    judgement: str


class ReportOut(Schema):
    id: int
    sample_id: int
    round: str
    lab_id: int
    reported_on: date
    conclusion: str
    results: list[ResultOut] = []


class BulkOut(Schema):
    reports: int
    results: int
    nonconforming_sample_ids: list[int]


class RetestIn(StrictSchema):
    requested_on: date | None = Field(default=None, description="申请日期；省略时为今天")
    reason: str = Field(default="", max_length=1000)


class RetestOut(Schema):
    id: int
    sample_id: int
    requested_on: date
    last_allowed_on: date | None
    lab_id: int
    lab_code: str
    lab_name: str
    seed: str
    pool_hash: str
    pool: list[str]
    drawn: str
    drawn_at: datetime
    received_on: date | None
    report_due: date | None


class RankOut(Schema):
    key: str
    hash: str


class DrawOut(Schema):
    retest_id: int
    seed: str
    pool: list[str]
    pool_hash: str
    drawn: str
    first_lab: str
    ranking: list[RankOut]
    problems: list[str]
    verified: bool
    rule: str


class NotificationOut(Schema):
    id: int
    sample_id: int
    recipient: str
    channel: str
    operator_id: int | None
    organisation_id: int | None
    due_on: date
    sent_at: datetime | None
    delivered_on: date | None
    late: bool


class SampleDetailOut(SampleOut):
    samplers: list[str]
    reports: list[ReportOut]
    retest: RetestOut | None
    notifications: list[NotificationOut]
    disposal_id: int | None
    retest_last_allowed_on: date | None


class DeliverIn(StrictSchema):
    delivered_on: date


class DisposalOut(Schema):
    id: int
    sample_id: int
    sample_number: str
    operator_id: int
    opened_on: date
    due_on: date
    status: str
    outcome: str
    withdrawal: str
    cause_analysis: str
    responded_at: datetime | None
    verification: str
    verified_at: datetime | None
    penalty_case_ref: str
    closed_on: date | None
    closed_late: bool
    scope: dict[str, Any] | None = None


class RespondIn(StrictSchema):
    withdrawal: str = Field(min_length=1, max_length=2000, description="下架、召回、封存等情况")
    cause_analysis: str = Field(min_length=1, max_length=2000)


class VerifyIn(StrictSchema):
    verification: str = Field(min_length=1, max_length=2000)
    penalty_case_ref: str = Field(default="", max_length=64, description="立案的行政处罚案件编号（执法模块建成前为文本）")


class CloseIn(StrictSchema):
    closed_on: date | None = None


class DeadlinesOut(Schema):
    not_received: list[int]
    received_late: int
    reports_overdue: list[int]
    reported_late: int
    retests_overdue: list[int]
    notifications_pending: list[int]
    notifications_late: int
    disposals_overdue: list[int]
    disposals_open: int


class PlanIn(StrictSchema):
    jurisdiction: str = Field(min_length=6, max_length=12, description="区划代码（市或区）")
    year: int = Field(ge=2000, le=2100)
    target_batches: int | None = Field(default=None, ge=1, description="省略时按每千人7批次计算，且不得低于该数")
    note: str = Field(default="", max_length=200)


class PlanOut(Schema):
    id: int
    jurisdiction: str
    jurisdiction_name: str
    population: int
    year: int
    target_batches: int


class ProgressOut(PlanOut):
    batches: int
    percent: Decimal | None
    expected_by_today: int
    on_track: bool
    pass_rate: Decimal | None
    producers_total: int
    producers_sampled: int
    markets_total: int
    markets_sampled: int
    producers_uncovered: list[int]
    markets_uncovered: list[int]


class IndicatorOut(Schema):
    jurisdiction: str
    name: str
    level: str
    population: int
    batches: int
    per_1000: Decimal | None
    per_1000_yearly: Decimal | None
    enforcement_judged: int
    conforming: int
    pass_rate: Decimal | None
    disposals_opened: int
    disposals_closed: int
    disposals_on_time: int
    completion_rate: Decimal | None


class IndicatorsOut(Schema):
    since: date
    until: date
    rows: list[IndicatorOut]


class LimitOut(Schema):
    id: int
    standard: str
    clause: str
    kind: str
    item_code: str
    item: str
    food_group: str
    food_group_name: str
    limit: str
    value: Decimal | None
    unit: str
    n: int | None
    c: int | None
    m: Decimal | None
    M: Decimal | None
    basis: str
    confidence: str
    note: str


class FoodGroupOut(Schema):
    code: str
    name: str
    parent: str | None
    category_codes: str


class RapidIn(StrictSchema):
    station_id: int | None = Field(default=None, description="仅管理员需要：记录所属的监管所")
    tested_on: date
    item: str = Field(min_length=1, max_length=64)
    product_name: str = Field(min_length=1, max_length=128)
    result: Literal["positive", "negative"]
    operator_id: int | None = None
    vendor_name: str = Field(default="", max_length=128, description="经营者不在登记系统中时填写")
    trace_code: str | None = Field(default=None, max_length=20)
    lot_code: str = Field(default="", max_length=40)
    method: str = Field(default="", max_length=64)
    note: str = Field(default="", max_length=200)


class RapidOut(Schema):
    id: int
    station_id: int
    jurisdiction: str
    tested_on: date
    item: str
    product_name: str
    result: str
    operator_id: int | None
    vendor: str
    lot_id: int | None
    lot_code: str
    method: str
    sampling_url: str | None = Field(description="阳性时：一键发起监督抽样（预填抽样单）")


class RequestIn(StrictSchema):
    street: str = Field(min_length=9, max_length=12, description="街道（镇）区划代码")
    product_name: str = Field(min_length=1, max_length=128)
    bought_at: str = Field(min_length=1, max_length=200, description="购买地点（市场、商店）")
    bought_on: date
    items: str = Field(min_length=1, max_length=200, description="希望检测的项目")
    phone: str = Field(default="", max_length=20)


class AnswerIn(StrictSchema):
    station_id: int | None = None
    item: str = Field(min_length=1, max_length=64)
    result: Literal["positive", "negative"]
    tested_on: date
    method: str = Field(default="", max_length=64)
    note: str = Field(default="", max_length=200)


class RequestOut(Schema):
    id: int
    street: str
    product_name: str
    bought_at: str
    bought_on: date
    items: str
    status: str
    result: str | None
    published_at: datetime | None


class PublicResultOut(Schema):
    id: int
    product: str
    bought_at: str
    street: str
    district: str
    item: str
    result: str
    tested_on: date | None
    published_at: datetime | None
