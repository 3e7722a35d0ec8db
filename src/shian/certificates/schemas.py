"""API schemas of produce certificates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from shian.core.schemas import StrictSchema

Basis = Literal["quality_control", "self_test", "third_party_test"]


class CertificateIn(StrictSchema):
    issuer_id: int | None = Field(default=None, description="开具主体（种养殖基地）ID；机构只有一个基地时可省略")
    product_name: str = Field(default="", max_length=128, description="省略时取批次的产品名称")
    category: str = Field(default="", max_length=8, description="食品类别代码 A01–A06；省略时取批次产品的类别")
    quantity: Decimal = Field(gt=0, max_digits=14, decimal_places=3, description="数量或重量")
    unit: str = Field(default="kg", max_length=8)
    origin: str = Field(default="", max_length=200, description="产地；省略时取开具主体的地址")
    contact_phone: str = Field(default="", max_length=20, description="联系方式；省略时取开具主体的电话")
    issued_on: date | None = Field(default=None, description="开具日期；省略为今天，不得晚于今天")
    basis: Basis = Field(description="承诺依据：质量安全控制、自行检测、委托检测")
    lot_id: int | None = Field(default=None, description="本平台的批次（须为开具主体自己的）")
    test_report_id: int | None = Field(default=None, description="检测报告文件ID（仅委托检测）")


class ParentRefIn(StrictSchema):
    code: str = Field(min_length=1, max_length=200, description="原合格证编码（或扫码得到的网址）")
    quantity: Decimal | None = Field(default=None, gt=0, max_digits=14, decimal_places=3, description="取用数量（原证单位）；省略为其剩余全部")


class ReissueIn(StrictSchema):
    holder_id: int | None = Field(default=None, description="重新开具的经营者ID；机构只有一个经营者时可省略")
    kind: Literal["mixing", "repacking"] = Field(description="混装 mixing 或分装 repacking")
    parents: list[ParentRefIn] = Field(min_length=1, max_length=50)
    product_name: str = Field(default="", max_length=128)
    category: str = Field(default="", max_length=8)
    quantity: Decimal = Field(gt=0, max_digits=14, decimal_places=3)
    unit: str = Field(default="", max_length=8, description="省略时取原合格证共同的单位")
    origin: str = Field(default="", max_length=200)
    contact_phone: str = Field(default="", max_length=20)
    issued_on: date | None = None
    basis: Basis
    test_report_id: int | None = None


class RevokeIn(StrictSchema):
    reason: str = Field(min_length=1, max_length=1000)


class CheckIn(StrictSchema):
    code: str = Field(min_length=1, max_length=200, description="扫码或输入的合格证编码（或网址）")
    market_id: int | None = Field(default=None, description="查验的市场ID；机构只有一个市场时可省略")
    quantity: Decimal | None = Field(default=None, gt=0, max_digits=14, decimal_places=3, description="本次入场数量（合格证单位，可选）")


class RelatedOut(Schema):
    id: int | None = Field(description="无权查看时为空")
    code: str | None = Field(description="无权查看时为空")
    product_name: str
    issuer_name: str
    issued_on: date
    status: str
    quantity: Decimal = Field(description="从原合格证取用的数量（原证单位）")


class ReasonOut(Schema):
    code: str
    message: str


class CheckOut(Schema):
    id: int
    certificate_id: int | None
    code_scanned: str
    market_id: int
    market_name: str
    checked_by: str
    checked_at: datetime
    quantity: Decimal | None
    result: str
    reasons: list[ReasonOut]


class CertificateSummaryOut(Schema):
    id: int
    code: str
    issuer_id: int
    issuer_name: str
    product_name: str
    category: str
    quantity: Decimal
    unit: str
    origin: str
    contact_phone: str
    issued_on: date
    basis: str
    status: str
    reissue_kind: str
    retain_until: date
    public_url: str


class CertificateOut(CertificateSummaryOut):
    commitment: str
    lot_id: int | None
    test_report_id: int | None
    revoke_reason: str
    revoked_at: datetime | None
    remaining_to_reissue: Decimal
    remaining_at_entry: Decimal
    qr_png_url: str
    parents: list[RelatedOut]
    children: list[RelatedOut]
    checks: list[CheckOut]


class CertificatePage(Schema):
    count: int
    count_exact: bool = True
    limit: int
    offset: int
    items: list[CertificateSummaryOut]


class CheckPage(Schema):
    count: int
    count_exact: bool = True
    limit: int
    offset: int
    items: list[CheckOut]
