"""Document storage: one row per content hash, a size limit (413), types recognised from the content,
sanitised names, and downloads only for those who may see the document."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shian.core.errors import Invalid, TooLarge
from shian.core.models import AuditEntry
from shian.trace import services
from shian.trace.documents import safe_name, sniff
from shian.trace.models import Document
from tests.conftest import World
from tests.trace.conftest import PNG, Trace, pdf, upload


def _api_upload(client, content: bytes, name: str = "检验报告.pdf", **fields: object):
    data = {"file": SimpleUploadedFile(name, content, content_type="application/pdf"), "kind": "test_report", "issued_on": "2026-01-05"}
    data.update({k: str(v) for k, v in fields.items()})
    return client.post("/api/v1/trace/documents", data=data)


@pytest.mark.django_db
def test_same_bytes_are_one_document(world: World) -> None:
    content = pdf("dedup")
    first, created = services.document_upload(file=upload(content), name="a.pdf", kind="test_report", issued_on=date(2026, 1, 5), owner=world.op2)
    again, created_again = services.document_upload(file=upload(content), name="b.pdf", kind="invoice", issued_on=date(2026, 2, 5), owner=world.op1)
    assert created and not created_again
    assert again.pk == first.pk and again.kind == "test_report" and again.original_name == "a.pdf"
    assert Document.objects.count() == 1
    assert first.sha256 == hashlib.sha256(content).hexdigest() and first.size == len(content)
    assert first.file.name == f"documents/{first.sha256[:2]}/{first.sha256}"
    with first.file.open("rb") as f:
        assert f.read() == content
    assert AuditEntry.objects.filter(action="document.uploaded").count() == 1


@pytest.mark.django_db
def test_api_upload_gives_201_then_200_for_the_same_file(world: World) -> None:
    client = world.client("operator_user")
    content = pdf("api")
    r1 = _api_upload(client, content)
    assert r1.status_code == 201, r1.content
    body = r1.json()
    assert body["created"] is True and body["sha256"] == hashlib.sha256(content).hexdigest() and body["owner_id"] == world.op1.pk
    assert body["content_type"] == "application/pdf"
    r2 = _api_upload(world.client("other_operator_user"), content, name="copy.pdf")
    assert r2.status_code == 200 and r2.json()["id"] == body["id"] and r2.json()["created"] is False


@pytest.mark.django_db
def test_size_limit_gives_413_with_a_chinese_message(world: World, settings) -> None:
    settings.SHIAN_DOCUMENT_MAX_BYTES = 1024
    big = b"%PDF-1.4\n" + b"0" * 2048
    with pytest.raises(TooLarge):
        services.document_upload(file=upload(big), name="big.pdf", kind="invoice", issued_on=date(2026, 1, 1))
    response = _api_upload(world.client("operator_user"), big)
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "document_too_large" and body["field"] == "file" and body["details"]["max_bytes"] == 1024
    assert Document.objects.count() == 0


@pytest.mark.parametrize(("head", "content_type"), [
    (b"%PDF-1.7", "application/pdf"), (PNG, "image/png"), (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"MZ\x90\x00", None), (b"<html>", None), (b"PK\x03\x04", None), (b"", None),
])
def test_type_sniffing(head: bytes, content_type: str | None) -> None:
    assert sniff(head) == content_type


@pytest.mark.django_db
def test_types_are_recognised_from_the_content_not_the_name(world: World) -> None:
    exe = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")
    with pytest.raises(Invalid) as exc:
        services.document_upload(file=exe, name="report.pdf", kind="test_report", issued_on=date(2026, 1, 1))
    assert exc.value.code == "document_type"
    response = _api_upload(world.client("operator_user"), b"<script>alert(1)</script>", name="x.png")
    assert response.status_code == 400 and response.json()["code"] == "document_type"
    png, _created = services.document_upload(file=SimpleUploadedFile("scan.pdf", PNG), name="scan.pdf", kind="invoice", issued_on=date(2026, 1, 1))
    assert png.content_type == "image/png"
    with pytest.raises(Invalid) as empty:
        services.document_upload(file=SimpleUploadedFile("e.pdf", b""), name="e.pdf", kind="invoice", issued_on=date(2026, 1, 1))
    assert empty.value.code == "document_empty"
    assert Document.objects.count() == 1


@pytest.mark.parametrize(("raw", "safe"), [
    ("../../etc/passwd.pdf", "passwd.pdf"), ("C:\\Users\\a\\检验报告.pdf", "检验报告.pdf"), ("a<b>:c?.pdf", "a_b_c_.pdf"),
    ("\x00\x1f.pdf", "pdf"), ("", "document"), ("...", "document"), ("x" * 300 + ".pdf", ("x" * 300 + ".pdf")[-150:]),
])
def test_file_names_are_sanitised(raw: str, safe: str) -> None:
    assert safe_name(raw) == safe


@pytest.mark.django_db
def test_bad_document_metadata(world: World) -> None:
    with pytest.raises(Invalid) as kind:
        services.document_upload(file=upload(pdf()), name="a.pdf", kind="selfie", issued_on=date(2026, 1, 1))
    assert kind.value.field == "kind"
    with pytest.raises(Invalid) as order:
        services.document_upload(file=upload(pdf()), name="a.pdf", kind="invoice", issued_on=date(2026, 1, 1), valid_until=date(2025, 1, 1))
    assert order.value.field == "valid_until"
    assert Document.objects.count() == 0


@pytest.mark.django_db
def test_download_is_for_those_who_may_see_the_document(trace: Trace) -> None:
    url = f"/trace/documents/{trace.test_report.pk}/file"
    assert trace.world.client("operator_user").get(url).status_code == 404  # op1 has not received this lot
    response = trace.world.client("district_regulator").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert trace.world.client("other_district_regulator").get(url).status_code == 404
    assert trace.world.client("lab_user").get(url).status_code == 403
    assert trace.world.client(None).get(url).status_code == 302
