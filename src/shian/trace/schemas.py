"""API schemas of traceability."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from shian.core.schemas import StrictSchema

Quantity = Decimal


class ProductIn(StrictSchema):
    operator_id: int | None = Field(default=None, description="经营者ID；机构只有一个经营者时可省略")
    name: str = Field(min_length=1, max_length=128)
    category: str = Field(min_length=1, max_length=8, description="食品类别代码，如 104、B01、A01")
    specification: str = Field(default="", max_length=64)
    gtin: str | None = Field(default=None, max_length=20, description="GTIN-8/12/13/14，校验GS1校验位，存为14位")
    shelf_life_days: int | None = Field(default=None, ge=1, le=36500)
    imported: bool = False


class ProductOut(Schema):
    id: int
    owner_id: int
    owner_name: str
    name: str
    category: str
    specification: str
    gtin: str | None
    shelf_life_days: int | None
    imported: bool


class LotIn(StrictSchema):
    product_id: int
    lot_code: str = Field(min_length=1, max_length=20, description="批号（GS1 AI 10 字符集）")
    production_date: date
    expiry_date: date | None = Field(default=None, description="省略时按保质期计算")
    quantity: Decimal = Field(ge=0, max_digits=14, decimal_places=3)
    unit: str = Field(default="kg", max_length=8)


class LotOut(Schema):
    id: int
    product_id: int
    product_name: str
    owner_id: int
    lot_code: str
    trace_code: str
    production_date: date
    expiry_date: date | None
    quantity: Decimal
    unit: str
    gtin: str | None
    digital_link: str | None
    epc_class: str


class DocumentOut(Schema):
    id: int
    kind: str
    sha256: str
    size: int
    content_type: str
    original_name: str
    issued_on: date
    valid_until: date | None
    lot_id: int | None
    owner_id: int | None
    url: str
    created: bool = Field(default=False, description="本次上传新建为 true；相同文件已存在时为 false（返回已有文件）")


class NewLotIn(StrictSchema):
    product_id: int = Field(description="买方自己的产品（供货者未使用平台时）")
    lot_code: str = Field(min_length=1, max_length=20)
    production_date: date
    expiry_date: date | None = None
    unit: str = Field(default="kg", max_length=8)


class LineIn(StrictSchema):
    """A lot by id, by its printed trace code, by GTIN + lot code, or a new lot of the buyer's own product."""

    quantity: Decimal = Field(gt=0, max_digits=14, decimal_places=3)
    lot_id: int | None = None
    trace_code: str | None = Field(default=None, max_length=20)
    gtin: str | None = Field(default=None, max_length=20)
    lot_code: str | None = Field(default=None, max_length=20)
    new_lot: NewLotIn | None = None


class ShipmentIn(StrictSchema):
    supplier_id: int | None = Field(default=None, description="发货经营者；机构只有一个经营者时可省略")
    buyer_id: int
    shipped_on: date
    lines: list[LineIn] = Field(min_length=1, max_length=200)
    note: str = Field(default="", max_length=200)


class ShipmentOut(Schema):
    id: int
    receipt_id: int
    verified: bool


class ReceiptIn(StrictSchema):
    buyer_id: int | None = Field(default=None, description="收货经营者；机构只有一个经营者时可省略")
    supplier_id: int | None = Field(default=None, description="平台内供货者")
    supplier_name: str = Field(default="", max_length=128, description="平台外供货者名称")
    supplier_uscc: str = Field(default="", max_length=40)
    supplier_licence_number: str = Field(default="", max_length=20)
    received_on: date
    imported: bool = False
    lines: list[LineIn] = Field(min_length=1, max_length=200)
    document_ids: list[int] = Field(default_factory=list, max_length=50)
    document_sha256: list[str] = Field(default_factory=list, max_length=50)
    note: str = Field(default="", max_length=200)


class FlagOut(Schema):
    code: str
    message: str


class ReceiptLineOut(Schema):
    id: int
    lot_id: int
    trace_code: str
    lot_code: str
    product_id: int
    product_name: str
    category: str
    quantity: Decimal
    quantity_confirmed: Decimal | None
    unit: str
    mismatch: bool


class ReceiptSummaryOut(Schema):
    id: int
    status: str
    buyer_id: int
    buyer_name: str
    supplier_id: int | None
    supplier_name: str
    supplier_uscc: str
    supplier_licence_number: str
    received_on: date
    shipment_id: int | None
    imported: bool
    verified: bool
    verification_flags: list[FlagOut]
    verified_at: datetime | None
    dispute_reason: str
    responded_at: datetime | None
    line_count: int
    has_mismatch: bool


class ReceiptOut(ReceiptSummaryOut):
    lines: list[ReceiptLineOut]
    documents: list[DocumentOut]
    lot_documents: list[DocumentOut] = Field(description="为本单批次上传的证明文件（未直接附在本单上）")


class ReceiptPage(Schema):
    count: int
    count_exact: bool = True
    limit: int
    offset: int
    items: list[ReceiptSummaryOut]


class CorrectLineIn(StrictSchema):
    line_id: int
    quantity_confirmed: Decimal = Field(ge=0, max_digits=14, decimal_places=3)


class CorrectIn(StrictSchema):
    lines: list[CorrectLineIn] = Field(min_length=1, max_length=200)


class DisputeIn(StrictSchema):
    reason: str = Field(min_length=1, max_length=1000)


class AttachIn(StrictSchema):
    document_ids: list[int] = Field(default_factory=list, max_length=50)
    sha256: list[str] = Field(default_factory=list, max_length=50)




# --- trace back and forward -------------------------------------------------------------------

class TraceParty(Schema):
    id: str = Field(description="urn:shian:operator:<统一社会信用代码> 或其他系统的当事方URI")
    name: str | None = Field(default=None, description="名称（无权查看时为空）")
    operator_id: int | None = None


class TraceItem(Schema):
    identifier: str
    quantity: float | None = None
    uom: str = ""


class TraceTransaction(Schema):
    type: str
    id: str


class TraceEdge(Schema):
    event_id: str
    event_type: str
    biz_step: str
    disposition: str
    time: datetime
    place: str | None = None
    source: TraceParty | None = None
    destination: TraceParty | None = None
    recorded_for: str | None = None
    lots: list[TraceItem] = Field(description="本次追溯涉及的对象批次及数量")
    inputs: list[TraceItem]
    outputs: list[TraceItem]
    transactions: list[TraceTransaction] = Field(default_factory=list, description="业务单据（发货单、收货单、生产单等）")


class TraceNode(Schema):
    identifier: str
    depth: int
    lot_id: int | None = None
    lot_code: str | None = None
    trace_code: str | None = None
    product: str | None = None
    owner: str | None = None
    owner_id: int | None = None


class TraceGraph(Schema):
    nodes: list[TraceNode]
    edges: list[TraceEdge]


class LotTraceOut(Schema):
    lot: LotOut
    back: TraceGraph | None = Field(default=None, description="向上游追溯到源头（direction=back 或 both）")
    forward: TraceGraph | None = Field(default=None, description="向下游追踪到最终接收方（direction=forward 或 both）")


# --- transformations and recall scope ---------------------------------------------------------

class TransformationIn(StrictSchema):
    operator_id: int | None = Field(default=None, description="加工经营者；机构只有一个经营者时可省略")
    kind: Literal["processing", "mixing", "repacking"] = Field(description="processing 加工、mixing 混合、repacking 分装/改包装")
    transformed_on: date
    inputs: list[LineIn] = Field(min_length=1, max_length=100, description="投入批次（自有或已收货的批次）")
    outputs: list[LineIn] = Field(min_length=1, max_length=100, description="产出批次（自有产品的新批次 new_lot，或已有自有批次）")
    note: str = Field(default="", max_length=200)


class TransformationLineOut(Schema):
    role: str
    lot_id: int
    lot_code: str
    trace_code: str
    product_name: str
    quantity: Decimal
    unit: str


class TransformationOut(Schema):
    id: int
    operator_id: int
    operator_name: str
    kind: str
    transformed_on: date
    note: str
    lines: list[TransformationLineOut]


class RecallIn(StrictSchema):
    lot_ids: list[int] = Field(default_factory=list, max_length=50)
    trace_codes: list[str] = Field(default_factory=list, max_length=50)
    since: datetime | None = Field(default=None, description="只看此时刻及之后的事件")
    until: datetime | None = Field(default=None, description="只看此时刻之前的事件")


class RecallHolder(Schema):
    party: TraceParty
    identifier: str
    lot_id: int | None = None
    lot_code: str | None = None
    product: str | None = None
    uom: str = ""
    received: Decimal = Field(description="已收货数量")
    in_transit: Decimal = Field(description="已发货、尚无收货记录的数量")
    last_time: datetime


class RecallRow(Schema):
    """One traceability event and lot with its key data elements (the sortable spreadsheet)."""

    event_id: str
    step: str
    time: datetime
    role: str = Field(description="object 流转货物、input 投入、output 产出")
    identifier: str
    lot_code: str
    trace_code: str
    product: str
    quantity: Decimal | None = None
    uom: str = ""
    source: str
    destination: str
    recorded_for: str
    place: str
    documents: str


class RecallOut(Schema):
    lots: list[LotOut]
    affected: list[TraceNode]
    holders: list[RecallHolder]
    rows: list[RecallRow]
