"""API schemas of the registry."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from shian.core.schemas import StrictSchema


class OperatorIn(StrictSchema):
    name: str = Field(min_length=1, max_length=128)
    uscc: str = Field(min_length=1, max_length=40)
    legal_representative: str = Field(min_length=1, max_length=64)
    types: list[str] = Field(min_length=1, max_length=20)
    scope: list[str] = Field(default_factory=list, max_length=60)
    address: str = Field(min_length=1, max_length=200)
    jurisdiction: str = Field(min_length=1, max_length=12, description="行政区划代码")
    scale: str = "small"
    latitude: Decimal | None = Field(default=None, ge=-90, le=90)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180)
    phone: str = Field(default="", max_length=20)


class OperatorPatch(StrictSchema):
    name: str | None = Field(default=None, min_length=1, max_length=128)
    uscc: str | None = Field(default=None, min_length=1, max_length=40)
    legal_representative: str | None = Field(default=None, min_length=1, max_length=64)
    types: list[str] | None = Field(default=None, min_length=1, max_length=20)
    scope: list[str] | None = Field(default=None, max_length=60)
    address: str | None = Field(default=None, min_length=1, max_length=200)
    jurisdiction: str | None = Field(default=None, min_length=1, max_length=12)
    scale: str | None = None
    latitude: Decimal | None = Field(default=None, ge=-90, le=90)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180)
    phone: str | None = Field(default=None, max_length=20)


class StatusIn(StrictSchema):
    status: str = Field(max_length=10)
    reason: str = Field(min_length=1, max_length=500)


class OperatorOut(Schema):
    id: int
    name: str
    uscc: str
    legal_representative: str
    types: list[str]
    address: str
    jurisdiction: str
    jurisdiction_name: str
    scale: str
    status: str


class OperatorPage(Schema):
    count: int = Field(description="匹配数；超过上限时为上限值（见 count_exact）")
    count_exact: bool = True
    limit: int
    offset: int
    items: list[OperatorOut]


class SectionOut(Schema):
    key: str
    title: str
    count: int | None
    data: Any


class TimelineOut(Schema):
    when: str
    kind: str
    kind_label: str
    title: str
    detail: str
    url: str


class DossierOut(Schema):
    operator: OperatorOut
    sections: list[SectionOut]
    timeline: list[TimelineOut]


class LicenceIn(StrictSchema):
    kind: str = Field(max_length=12)
    number: str = Field(min_length=1, max_length=32)
    issued_on: date
    expires_on: date
    authority: str = Field(min_length=1, max_length=128)
    scope: list[str] = Field(default_factory=list, max_length=60)
    premises_id: int | None = None


class LicenceOut(Schema):
    id: int
    operator_id: int
    operator_name: str
    kind: str
    number: str
    issued_on: date
    expires_on: date
    authority: str
    status: str
    days_left: int | None = None
    renewal_deadline: date | None = None


class PremisesIn(StrictSchema):
    name: str = Field(min_length=1, max_length=128)
    kind: str = Field(max_length=12)
    address: str = Field(min_length=1, max_length=200)
    jurisdiction: str = Field(min_length=1, max_length=12)
    area_m2: Decimal | None = Field(default=None, gt=0, max_digits=10, decimal_places=1)


class StaffIn(StrictSchema):
    name: str = Field(min_length=1, max_length=64)
    position: str = Field(default="", max_length=64)
    is_safety_manager: bool = False
    certificate_number: str = Field(default="", max_length=32)
    certified_until: date | None = None
    health_certificate_until: date | None = None
    phone: str = Field(default="", max_length=20)


class InsuranceIn(StrictSchema):
    insurer: str = Field(min_length=1, max_length=128)
    policy_number: str = Field(min_length=1, max_length=64)
    coverage_yuan: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    starts_on: date
    ends_on: date


class SelfInspectionIn(StrictSchema):
    inspected_on: date
    result: str = Field(max_length=14)
    issues_found: int = Field(default=0, ge=0, le=10000)
    summary: str = Field(default="", max_length=4000)


class CreatedOut(Schema):
    id: int


class ImportStartedOut(Schema):
    job_id: str
    status: str
    result: Any = None
