"""QR labels: who may print them, what the QR code encodes, and that the PNG, SVG and PDF files hold
that QR code (decoded here without an imaging library: PNG pixels, SVG path and PDF structure are
compared with segno's matrix for the payload)."""

from __future__ import annotations

import re
import struct
import zlib
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.test import Client

from shian.trace import labels, services
from shian.trace.models import Lot
from tests.conftest import World
from tests.trace.conftest import Trace


def _own_lot(world: World) -> Lot:
    """op1's own product without a GTIN, and a lot of it."""
    product = services.product_create(owner=world.op1, name="蜜汁叉烧", category_code="B04", specification="250克/盒")
    return services.lot_create(product=product, lot_code="CS-(1)", production_date=date(2026, 3, 1), quantity=Decimal(20))


def decode_png(data: bytes) -> list[list[int]]:
    """The pixels (1 = white, 0 = black) of a 1-bit greyscale PNG, checking every chunk's CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        assert struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0] == zlib.crc32(kind + body)
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
        if kind == b"IEND":
            break
    assert header is not None
    width, height, depth, colour, _compression, _filter, interlace = header
    assert (depth, colour, interlace) == (1, 0, 0)
    raw = zlib.decompress(idat)
    stride = (width + 7) // 8
    prev = bytearray(stride)
    pixels = []
    for r in range(height):
        kind_byte = raw[r * (stride + 1)]
        line = bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - 1] if i else 0
            up, up_left = prev[i], prev[i - 1] if i else 0
            if kind_byte == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind_byte == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind_byte == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind_byte == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else up_left)) & 0xFF
        pixels.append([(line[x // 8] >> (7 - x % 8)) & 1 for x in range(width)])
        prev = line
    return pixels


def expected_modules(payload: str) -> list[list[int]]:
    """segno's matrix for the payload with the quiet zone, 1 = dark."""
    matrix = labels.qr_code(payload).matrix
    size = len(matrix) + 2 * labels.QUIET_ZONE
    out = [[0] * size for _ in range(size)]
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            out[y + labels.QUIET_ZONE][x + labels.QUIET_ZONE] = 1 if dark else 0
    return out


def png_modules(data: bytes, scale: int) -> list[list[int]]:
    pixels = decode_png(data)
    size = len(pixels) // scale
    assert len(pixels) == size * scale and len(pixels[0]) == size * scale
    return [[1 - pixels[y * scale + scale // 2][x * scale + scale // 2] for x in range(size)] for y in range(size)]


def svg_runs(svg: str) -> set[tuple[int, int, int]]:
    root = ElementTree.fromstring(svg.encode())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    path = root.find(".//{http://www.w3.org/2000/svg}path")
    assert path is not None
    return {(int(x) - labels.QUIET_ZONE, int(y) - labels.QUIET_ZONE, int(n)) for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path.get("d", ""))}


def pdf_objects(data: bytes) -> dict[int, bytes]:
    """The objects of a PDF, found through its cross-reference table (so the offsets are checked too)."""
    assert data.startswith(b"%PDF-1.5") and data.rstrip().endswith(b"%%EOF")
    start = int(re.search(rb"startxref\n(\d+)\n", data)[1])  # type: ignore[index]
    assert data[start:start + 4] == b"xref"
    lines = data[start:].split(b"\n")
    count = int(lines[1].split()[1])
    objects = {}
    for number in range(1, count):
        offset = int(lines[2 + number].split()[0])
        assert data[offset:].startswith(f"{number} 0 obj".encode()), number
        objects[number] = data[offset:data.index(b"endobj", offset)]
    return objects


# --- payload ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_payload_is_the_digital_link_or_the_trace_link(trace: Trace, settings: object) -> None:
    own = _own_lot(trace.world)
    assert labels.label_payload(trace.lot, "https://id.shian.example") == "https://id.shian.example/01/06901234567892/10/LC2026-01"
    assert labels.label_payload(own, "https://id.shian.example") == f"https://id.shian.example/t/{own.trace_code}"
    assert labels.resolver_base(None) == "https://id.gs1.org"
    settings.SHIAN_RESOLVER_BASE = "https://id.shian.example/"  # type: ignore[attr-defined]
    assert labels.resolver_base(None) == "https://id.shian.example"


@pytest.mark.django_db
def test_the_payload_opens_the_consumer_page(trace: Trace) -> None:
    own = _own_lot(trace.world)
    for lot in (trace.lot, own):
        payload = labels.label_payload(lot, "http://testserver")
        page = Client().get(urlsplit(payload).path)
        assert page.status_code == 200 and lot.trace_code in page.content.decode()


# --- files ----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_owner_gets_png_svg_and_pdf_holding_the_qr_code(world: World) -> None:
    lot = _own_lot(world)
    client = world.client("operator_user")
    payload = f"http://testserver/t/{lot.trace_code}"

    page = client.get(f"/trace/lots/{lot.pk}/label/")
    assert page.status_code == 200
    text = page.content.decode()
    assert payload in text and f"/trace/lots/{lot.pk}/label.pdf" in text and f"/trace/lots/{lot.pk}/label.png" in text

    png = client.get(f"/trace/lots/{lot.pk}/label.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png_modules(png.content, labels.PNG_SCALE) == expected_modules(payload)

    svg = client.get(f"/trace/lots/{lot.pk}/label.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    body = svg.content.decode()
    assert svg_runs(body) == set(labels._runs(labels.qr_code(payload).matrix))
    for shown in ("蜜汁叉烧", "250克/盒", "CS-(1)", lot.trace_code):
        assert shown in body, shown

    pdf = client.get(f"/trace/lots/{lot.pk}/label.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    objects = pdf_objects(pdf.content)
    stream = objects[4]
    content = zlib.decompress(stream[stream.index(b"stream\n") + 7:stream.rindex(b"\nendstream")]).decode("ascii")
    assert content.count(" re\n") == len(list(labels._runs(labels.qr_code(payload).matrix)))
    assert labels._pdf_cjk("蜜汁叉烧") in content and "(CS-\\(1\\))" in content and f"({lot.trace_code})" in content
    assert b"/STSong-Light" in objects[6] and b"/UniGB-UTF16-H" in objects[6]

    assert client.get(f"/trace/lots/{lot.pk}/label.gif").status_code == 404


@pytest.mark.django_db
def test_svg_escapes_text(world: World) -> None:
    product = services.product_create(owner=world.op1, name="<b>&\"叉烧\"", category_code="B04")
    lot = services.lot_create(product=product, lot_code="A<B>&C", production_date=date(2026, 3, 1), quantity=Decimal(1))
    body = world.client("operator_user").get(f"/trace/lots/{lot.pk}/label.svg").content.decode()
    ElementTree.fromstring(body.encode())  # well-formed
    assert "<b>" not in body and "&lt;b&gt;" in body


@pytest.mark.django_db
def test_regulator_prints_with_the_digital_link(trace: Trace) -> None:
    client = trace.world.client("district_regulator")
    payload = "http://testserver/01/06901234567892/10/LC2026-01"
    png = client.get(f"/trace/lots/{trace.lot.pk}/label.png")
    assert png.status_code == 200 and png_modules(png.content, labels.PNG_SCALE) == expected_modules(payload)
    assert payload in client.get(f"/trace/lots/{trace.lot.pk}/label/").content.decode()


@pytest.mark.django_db
def test_who_may_print(trace: Trace) -> None:
    world = trace.world
    own = _own_lot(world)
    services.shipment_create(supplier=world.op2, buyer=world.op1, shipped_on=date(2026, 3, 2),
                             lines=[services.LineIn(quantity=Decimal(5), lot=trace.lot)])
    expect = {
        ("operator_user", own.pk): 200,
        ("operator_user", trace.lot.pk): 403,  # it received the lot: it sees it, but it is not the producer
        ("other_operator_user", own.pk): 404,
        ("other_district_regulator", own.pk): 404,
        ("city_regulator", own.pk): 200,
        ("inspector", trace.lot.pk): 200,
        ("admin", own.pk): 200,
        ("lab_user", own.pk): 403,
        ("public_user", own.pk): 403,
    }
    for (persona, lot_id), status in expect.items():
        client = world.client(persona)
        for suffix in ("label/", "label.png", "label.pdf"):
            assert client.get(f"/trace/lots/{lot_id}/{suffix}").status_code == status, (persona, lot_id, suffix)
    anonymous = Client().get(f"/trace/lots/{own.pk}/label.svg")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert world.client("operator_user").get("/trace/lots/999999/label.png").status_code == 404


@pytest.mark.django_db
def test_product_page_links_to_the_label(world: World) -> None:
    lot = _own_lot(world)
    page = world.client("operator_user").get(f"/trace/products/{lot.product_id}/").content.decode()
    assert f"/trace/lots/{lot.pk}/label/" in page
