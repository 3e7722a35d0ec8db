"""API schemas of the cold chain."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from shian.core.schemas import StrictSchema


class EntryIn(StrictSchema):
    warehouse_id: int | None = Field(default=None, description="集中监管仓（冷库）经营者ID；机构只有一个冷库时可省略")
    importer_id: int | None = Field(default=None, description="平台内进口商")
    importer_name: str = Field(default="", max_length=128, description="平台外进口商名称")
    importer_uscc: str = Field(default="", max_length=40, description="平台外进口商统一社会信用代码（已在平台登记的按代码匹配）")
    product_id: int | None = Field(default=None, description="货主已有的进口产品；省略时按下列字段查找或新建")
    product_name: str = Field(default="", max_length=128)
    category: str = Field(default="", max_length=8, description="食品类别代码，新建产品时必填，如 A04、122、111")
    specification: str = Field(default="", max_length=64)
    gtin: str | None = Field(default=None, max_length=20)
    lot_code: str = Field(min_length=1, max_length=20, description="批号（GS1 AI 10 字符集）")
    production_date: date
    expiry_date: date | None = None
    quantity: Decimal = Field(gt=0, max_digits=14, decimal_places=3)
    unit: str = Field(default="kg", max_length=8)
    origin_country: str = Field(min_length=2, max_length=2, description="原产国家或地区 ISO 3166-1 二位字母代码，如 BR")
    customs_declaration_number: str = Field(min_length=1, max_length=18, description="进口报关单号（18位）")
    entry_date: date = Field(description="入仓日期")
    storage_class: Literal["frozen", "chilled"]
    note: str = Field(default="", max_length=200)


class CheckOut(Schema):
    kind: str
    label: str
    state: str = Field(description="ok、missing（缺少）、expired（已过期）或 not_yet_valid（签发日期晚于今天）")
    problem: str | None
    source: str
    confidence: str


class CertificateOut(Schema):
    id: int
    kind: str
    number: str
    document_id: int
    sha256: str
    original_name: str
    issued_on: date
    valid_until: date | None
    url: str
    attached_at: datetime


class EntrySummaryOut(Schema):
    id: int
    first_stop_code: str
    lot_id: int
    lot_code: str
    product_id: int
    product_name: str
    warehouse_id: int
    warehouse_name: str
    importer_id: int | None
    importer_name: str
    importer_uscc: str
    origin_country: str
    origin_country_name: str
    customs_declaration_number: str
    entry_date: date
    storage_class: str
    status: str
    release_code: str | None
    released_at: datetime | None
    has_excursion: bool = False


class EntryOut(EntrySummaryOut):
    quantity: Decimal
    unit: str
    production_date: date
    expiry_date: date | None
    epc_class: str
    rejected_at: datetime | None
    rejection_reason: str
    note: str
    certificates: list[CertificateOut]
    checks: list[CheckOut] = Field(description="放行所需的证明文件及其状态")
    releasable: bool
    release_url: str | None = Field(default=None, description="放行证明的公开核验页面")


class EntryPage(Schema):
    count: int
    count_exact: bool = True
    limit: int
    offset: int
    items: list[EntrySummaryOut]


class RejectIn(StrictSchema):
    reason: str = Field(min_length=1, max_length=1000)


class ReadingIn(StrictSchema):
    """One reading; ``time`` and ``value`` are checked by the service so that every bad reading is reported at once."""

    time: Any = Field(default=None, description="测量时间，ISO 8601，如 2026-05-01T08:30:00+08:00；不带时区按北京时间；不得晚于当前时间")
    value: Any = Field(default=None, description="温度（℃），数字，-80～60")
    location: Any = Field(default="", description="测量位置，最多100字")
    device: Any = Field(default="", description="测温设备，最多100字")


class ReadingsIn(StrictSchema):
    step: Literal["storing", "transporting"] = "storing"
    readings: list[ReadingIn] = Field(min_length=1, max_length=1000)


class ReadingOut(Schema):
    id: int
    time: datetime
    value: Decimal
    location: str
    device: str
    step: str
    source: str
    excursion: bool
    limit_low: Decimal | None
    limit_high: Decimal | None
    recorder_id: int | None


class ReadingsResultOut(Schema):
    stored: int
    duplicates: int
    excursions: int
    event_id: str | None
    readings: list[ReadingOut]


class ReadingsOut(Schema):
    lot_id: int
    first_stop_code: str
    storage_class: str
    limit_low: Decimal | None
    limit_high: Decimal | None
    readings: list[ReadingOut]


class ExcursionOut(ReadingOut):
    lot_id: int
    first_stop_code: str
    product_name: str
    warehouse_id: int
    warehouse_name: str
    entry_id: int


class ExcursionPage(Schema):
    count: int
    count_exact: bool = True
    limit: int
    offset: int
    items: list[ExcursionOut]
