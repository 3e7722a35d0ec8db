"""API schemas of rectification orders."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from shian.core.schemas import StrictSchema


class OrderIn(StrictSchema):
    operator_id: int
    source_app: str = Field(min_length=1, max_length=32, description="来源模块，如 inspection、kitchen、complaint")
    source_id: str = Field(min_length=1, max_length=64)
    source_title: str = Field(min_length=1, max_length=200)
    findings: str = Field(min_length=1, max_length=4000)
    requirements: str = Field(default="", max_length=4000)
    working_days: int | None = Field(default=None, ge=1, le=120, description="整改期限（工作日）；省略用默认值")


class PhotoOut(Schema):
    id: int
    sha256: str
    content_type: str
    original_name: str


class ResponseOut(Schema):
    id: int
    notes: str
    submitted_at: datetime
    on_time: bool
    photos: list[PhotoOut]


class ReviewOut(Schema):
    id: int
    decision: str
    note: str
    new_deadline: date | None
    reviewed_at: datetime


class OrderOut(Schema):
    id: int
    operator_id: int
    operator_name: str
    source_app: str
    source_id: str
    source_title: str
    findings: str
    requirements: str
    working_days: int
    deadline: date
    status: str
    issued_at: datetime
    overdue: bool
    times_overdue: int
    closed_at: datetime | None
    closed_on_time: bool | None
    responses: list[ResponseOut] = Field(default_factory=list)
    reviews: list[ReviewOut] = Field(default_factory=list)


class ReviewIn(StrictSchema):
    decision: str = Field(description="accept（整改到位，结案）、reject（未到位，重新限期）或 reinspect（现场复查）")
    note: str = Field(default="", max_length=2000)
    working_days: int | None = Field(default=None, ge=1, le=120, description="reject 时的新期限（工作日）")


class OnTimeOut(Schema):
    jurisdiction: str
    due: int
    on_time: int
    late: int
    open_overdue: int
    rate: float | None
