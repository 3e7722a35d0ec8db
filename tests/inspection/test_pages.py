"""The pages work end to end for the right personas: plan, draw, checklist on a phone, close, PDF,
amendment, rectification answer and review, public pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shian.inspection.models import Draw, Inspection, InspectionPlan
from shian.rectification.models import RectificationOrder
from tests.inspection.conftest import InspWorld, close, draw

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.django_db
def test_plan_and_draw_pages(iw: InspWorld) -> None:
    w = iw.world
    c = w.client("district_regulator")
    assert c.get("/inspections/plans/new/").status_code == 200
    r = c.post("/inspections/plans/new/", {"jurisdiction": "440703", "year": 2026, "freq_A": 1, "freq_B": 1, "freq_C": 2, "freq_D": 3})
    assert r.status_code == 302, r.content.decode()[:2000]
    plan = InspectionPlan.objects.get()
    page = c.get(f"/inspections/plans/{plan.pk}/").content.decode()
    assert w.op1.name in page and w.op2.name in page and w.op3.name not in page
    assert c.get("/inspections/plans/").status_code == 200
    assert c.get(f"/inspections/draws/new/?plan={plan.pk}&quarter=1").status_code == 200
    r = c.post("/inspections/draws/new/", {"title": "第一批", "jurisdiction": "440703", "count": 2, "per_inspection": 2, "scope": "routine"})
    assert r.status_code == 302, r.content.decode()[:3000]
    d = Draw.objects.get()
    page = c.get(f"/inspections/draws/{d.pk}/").content.decode()
    assert d.seed in page and d.target_pool_hash in page and w.op1.name in page
    from shian.inspection import views

    views.DRAW_ROWS_PER_PAGE = 1  # a page at a time: the second row is on page 2
    try:
        first, second = (c.get(f"/inspections/draws/{d.pk}/", {"page": n}).content.decode() for n in (1, 2))
        names = {w.op1.name, w.op2.name}
        assert len({n for n in names if n in first}) == 1 and len({n for n in names if n in second}) == 1
        assert c.get(f"/inspections/draws/{d.pk}/", {"page": "x"}).status_code == 200
    finally:
        views.DRAW_ROWS_PER_PAGE = 200
    assert c.get("/inspections/draws/").status_code == 200
    assert c.get(f"/inspections/draws/{d.pk}/verify/").status_code == 200
    pool = c.get(f"/inspections/draws/{d.pk}/pool-targets.txt")
    assert pool.status_code == 200 and w.op1.uscc in pool.content.decode()
    # refused with the reason: a pool without inspectors
    r = c.post("/inspections/draws/new/", {"title": "空", "jurisdiction": "440703", "count": 1, "per_inspection": 4, "scope": "routine"})
    assert r.status_code == 400 and "draw_too_few_inspectors" in r.content.decode()
    assert c.post(f"/inspections/draws/{d.pk}/publish/").status_code == 302
    public = w.client(None).get("/inspections/public/")
    assert public.status_code == 200 and d.title in public.content.decode()
    assert w.client(None).get(f"/inspections/public/draws/{d.pk}/").status_code == 200


@pytest.mark.django_db
def test_checklist_on_a_phone_to_pdf(iw: InspWorld) -> None:
    w = iw.world
    d = draw(iw, count=2)
    insp = d.inspections.get(operator=w.op1)
    c = w.client(None)
    c.force_login(insp.inspectors.first())  # one of the two drawn inspectors
    assert c.get("/inspections/mine/").status_code == 200
    form = c.get(f"/inspections/{insp.pk}/form/")
    assert form.status_code == 200 and "食品经营许可证合法有效" in form.content.decode()
    insp.refresh_from_db()
    items = list(insp.template.items.all())
    data = {"inspected_at": "2026-03-10T10:00", "place": "江门市蓬江区建设路1号", "summary": "后厨卫生一般"}
    for item in items:
        data[f"item-{item.pk}"] = "fail" if item.number == "6.2" else "pass"
        data[f"note-{item.pk}"] = "垃圾桶未加盖" if item.number == "6.2" else ""
    assert c.post(f"/inspections/{insp.pk}/form/", data).status_code == 302
    assert c.post(f"/inspections/{insp.pk}/photos/", {"file": SimpleUploadedFile("现场.png", PNG, content_type="image/png")}).status_code == 302
    bad = c.post(f"/inspections/{insp.pk}/photos/", {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="image/png")})
    assert bad.status_code == 400
    assert c.post(f"/inspections/{insp.pk}/acknowledge/", {"representative_name": "李一", "signature": "李一", "confirmed": "on"}).status_code == 302
    assert c.post(f"/inspections/{insp.pk}/close/", {"order_rectification": "on", "working_days": "5"}).status_code == 302
    insp.refresh_from_db()
    assert insp.status == Inspection.Status.CLOSED and insp.result == "basically_compliant"
    detail = c.get(f"/inspections/{insp.pk}/").content.decode()
    assert "result-basically_compliant" in detail and "垃圾桶未加盖" in detail
    pdf = c.get(f"/inspections/{insp.pk}/record.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # closed: the form refuses edits with a clear message
    again = c.post(f"/inspections/{insp.pk}/form/", data)
    assert again.status_code == 409
    public = w.client(None).get(f"/inspections/v/{insp.verify_code}/")
    assert public.status_code == 200 and insp.record_hash in public.content.decode()
    # amendment page
    amend = c.get(f"/inspections/{insp.pk}/amend/")
    assert amend.status_code == 200
    data_amend = {f"item-{i.pk}": "pass" for i in items}
    data_amend["reason"] = "6.2 误判，现场照片显示垃圾桶已加盖"
    assert c.post(f"/inspections/{insp.pk}/amend/", data_amend).status_code == 302
    insp.refresh_from_db()
    assert insp.revision == 1 and insp.result == "compliant"
    # the rectification loop through the pages
    order = RectificationOrder.objects.get(source_app="inspection", source_id=str(insp.pk))
    op = w.client("operator_user")
    assert op.get("/rectifications/").status_code == 200
    assert op.get(f"/rectifications/{order.pk}/").status_code == 200
    r = op.post(f"/rectifications/{order.pk}/answer/", {"notes": "已更换带盖垃圾桶", "photos": SimpleUploadedFile("整改.png", PNG + b"1")})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert c.get(f"/rectifications/{order.pk}/").status_code == 200
    assert c.post(f"/rectifications/{order.pk}/review/", {"decision": "accept", "note": "整改到位"}).status_code == 302
    order.refresh_from_db()
    assert order.status == "closed" and order.closed_on_time


@pytest.mark.django_db
def test_lists_and_indicators(iw: InspWorld) -> None:
    w = iw.world
    d = draw(iw, count=2)
    close(d.inspections.get(operator=w.op1), fail=("1.1",), by=iw.inspectors[0], rectification_days=5)
    c = w.client("district_regulator")
    for url in ("/inspections/", "/inspections/overdue/", "/inspections/indicators/", "/rectifications/", "/rectifications/overdue/",
                f"/operators/{w.op1.pk}/"):
        r = c.get(url)
        assert r.status_code == 200, (url, r.content.decode()[:1000])
    dossier = c.get(f"/operators/{w.op1.pk}/").content.decode()
    assert "result-non_compliant" in dossier and "/rectifications/" in dossier
