"""Checklists on site: results computed by the rules, closed inspections immutable (amendments
recorded), record hash and QR check, events on the dossier timeline, the selector for risk/credit."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shian.core.errors import Conflict, Invalid, TooLarge
from shian.core.models import AuditEntry
from shian.inspection import pdf, rules, selectors, services
from shian.inspection.models import Answer, ChecklistTemplate, Inspection, Result, Scope
from shian.inspection.services import AnswerIn
from tests.inspection.conftest import NOW, InspWorld, close, draw, fill

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_result_rules() -> None:
    assert rules.compute_result(key_failures=0, general_failures=0) == "compliant"
    assert rules.compute_result(key_failures=0, general_failures=rules.MAX_GENERAL_FAILURES) == "basically_compliant"
    assert rules.compute_result(key_failures=0, general_failures=rules.MAX_GENERAL_FAILURES + 1) == "non_compliant"
    assert rules.compute_result(key_failures=1, general_failures=0) == "non_compliant"


@pytest.mark.django_db
def test_seeded_checklists_cite_their_basis() -> None:
    templates = {t.code: t for t in ChecklistTemplate.objects.prefetch_related("items", "operator_types")}
    assert {"restaurant", "producer", "seller"} <= set(templates)
    for t in templates.values():
        items = list(t.items.all())
        assert any(i.key for i in items) and any(not i.key for i in items)
        assert all("《" in i.basis for i in items)
    assert {ot.code for ot in templates["restaurant"].operator_types.all()} >= {"restaurant", "school_canteen", "central_kitchen"}


@pytest.mark.django_db
def test_close_computes_result_and_seals(iw: InspWorld) -> None:
    w = iw.world
    d = draw(iw, count=2)
    insp = d.inspections.get(operator=w.op1)
    assert insp.template.code == "restaurant"
    closed = close(insp, fail=("1.2", "6.2"), by=iw.inspectors[0])
    assert (closed.result, closed.key_failures, closed.general_failures, closed.failed_items) == ("basically_compliant", 0, 2, ["1.2", "6.2"])
    assert closed.publish_due is not None and closed.record_hash and len(closed.record_hash) == 64
    event = AuditEntry.objects.get(action="inspection.closed")
    assert event.operator_id == w.op1.pk and event.data["result"] == "basically_compliant" and event.data["failed_items"] == ["1.2", "6.2"]
    assert event.actor_label == "inspector"
    producer = close(d.inspections.get(operator=w.op2), fail=("3.1",), by=iw.inspectors[0])
    assert producer.template.code == "producer" and producer.result == Result.NON_COMPLIANT and producer.key_failures == 1
    rows = selectors.closed_inspections([w.op1.pk, w.op2.pk], date(2026, 3, 1), date(2026, 3, 31))
    assert [(r.operator_id, r.result, r.key_failures, r.failed_items) for r in rows] == [
        (w.op1.pk, "basically_compliant", 0, ("1.2", "6.2")), (w.op2.pk, "non_compliant", 1, ("3.1",))]
    assert selectors.closed_inspections([w.op1.pk], date(2026, 4, 1), None) == []
    # the history section of the dossier (timeline) shows the event
    history = w.client("district_regulator").get(f"/api/v1/operators/{w.op1.pk}").json()
    assert "inspection.closed" in str(history)


@pytest.mark.django_db
def test_closing_needs_required_items_and_acknowledgement(iw: InspWorld) -> None:
    d = draw(iw, count=1)
    insp = d.inspections.get()
    insp.scope = Scope.FULL
    insp.save()
    fill(insp, key_only=True, by=iw.inspectors[0])
    with pytest.raises(Invalid) as exc:
        services.inspection_close(inspection=insp)
    assert exc.value.code == "items_unanswered"
    fill(insp, by=iw.inspectors[0])
    with pytest.raises(Invalid) as exc:
        services.inspection_close(inspection=insp)
    assert exc.value.code == "acknowledgement_required"
    with pytest.raises(Invalid) as exc:
        services.inspection_acknowledge(inspection=insp, representative_name="李一", signature=" ")
    assert exc.value.code == "signature_required"
    with pytest.raises(Invalid) as exc:
        services.inspection_save(inspection=insp, answers=[AnswerIn(insp.template.items.first().pk, "maybe")])
    assert exc.value.code == "outcome_invalid"
    other = ChecklistTemplate.objects.get(code="seller").items.first()
    with pytest.raises(Invalid) as exc:
        services.inspection_save(inspection=insp, answers=[AnswerIn(other.pk, "pass")])
    assert exc.value.code == "item_unknown"


@pytest.mark.django_db
def test_routine_inspection_needs_key_items_only(iw: InspWorld) -> None:
    insp = draw(iw, count=1).inspections.get()
    assert insp.scope == Scope.ROUTINE
    fill(insp, key_only=True, by=iw.inspectors[0])
    services.inspection_acknowledge(inspection=insp, representative_name="王二", signature="王二")
    assert services.inspection_close(inspection=insp).result == "compliant"


@pytest.mark.django_db
def test_closed_is_immutable_amendment_recorded(iw: InspWorld) -> None:
    w = iw.world
    insp = close(draw(iw, count=2).inspections.get(operator=w.op1), fail=("2.1",), by=iw.inspectors[0])
    item = insp.template.items.get(number="2.1")
    for attempt in (lambda: services.inspection_save(inspection=insp, answers=[AnswerIn(item.pk, "pass")]),
                    lambda: services.inspection_acknowledge(inspection=insp, representative_name="x", signature="x"),
                    lambda: services.photo_add(inspection=insp, file=io.BytesIO(PNG), name="a.png"),
                    lambda: services.inspection_close(inspection=insp)):
        with pytest.raises(Conflict) as exc:
            attempt()
        assert exc.value.code == "inspection_closed" and exc.value.status == 409
    assert Answer.objects.get(inspection=insp, item=item).outcome == "fail"
    with pytest.raises(Invalid):
        services.amendment_create(inspection=insp, answers=[AnswerIn(item.pk, "pass")], reason=" ")
    with pytest.raises(Invalid) as exc:
        services.amendment_create(inspection=insp, answers=[AnswerIn(item.pk, "fail", "发现问题")], reason="无变化")
    assert exc.value.code == "amendment_empty"
    old_hash = insp.record_hash
    amendment = services.amendment_create(inspection=insp, answers=[AnswerIn(item.pk, "pass", "健康证已补办，当场核验")],
                                          reason="健康证在门店保管，当场核验有效", by=w.users["district_regulator"])
    insp.refresh_from_db()
    assert (amendment.revision, amendment.result_before, amendment.result_after) == (1, "non_compliant", "compliant")
    assert amendment.hash_before == old_hash and amendment.hash_after == insp.record_hash != old_hash
    assert amendment.changes == [{"item": "2.1", "before": {"outcome": "fail", "note": "发现问题"},
                                  "after": {"outcome": "pass", "note": "健康证已补办，当场核验"}}]
    assert insp.result == "compliant" and insp.revision == 1 and insp.failed_items == []
    assert AuditEntry.objects.filter(action="inspection.amended", operator_id=w.op1.pk).exists()


@pytest.mark.django_db
def test_amendment_refused_for_open_inspection(iw: InspWorld) -> None:
    insp = draw(iw, count=1).inspections.get()
    fill(insp, by=iw.inspectors[0])
    with pytest.raises(Conflict) as exc:
        services.amendment_create(inspection=insp, answers=[AnswerIn(insp.template.items.first().pk, "fail")], reason="x")
    assert exc.value.code == "inspection_not_closed"


@pytest.mark.django_db
def test_photos_checked_and_stored_by_hash(iw: InspWorld, settings: object) -> None:
    insp = draw(iw, count=1).inspections.get()
    photo = services.photo_add(inspection=insp, file=io.BytesIO(PNG), name="../后厨.png", by=iw.inspectors[0])
    assert photo.content_type == "image/png" and photo.original_name == "后厨.png" and photo.file.name.endswith(photo.sha256)
    assert services.photo_add(inspection=insp, file=io.BytesIO(PNG), name="again.png").pk == photo.pk
    with pytest.raises(Invalid) as exc:
        services.photo_add(inspection=insp, file=io.BytesIO(b"GIF89a...."), name="a.gif")
    assert exc.value.code == "document_type"
    settings.SHIAN_DOCUMENT_MAX_BYTES = 10  # type: ignore[attr-defined]
    with pytest.raises(TooLarge):
        services.photo_add(inspection=insp, file=SimpleUploadedFile("b.png", PNG + b"1"), name="b.png")


@pytest.mark.django_db
def test_record_pdf_and_public_check(iw: InspWorld) -> None:
    w = iw.world
    insp = close(draw(iw, count=2).inspections.get(operator=w.op1), fail=("4.1",), by=iw.inspectors[0])
    html = pdf.record_html(insp, verify_url=f"https://shian.example/inspections/v/{insp.verify_code}/")
    assert insp.record_hash in html and "data:image/svg+xml" in html and w.op1.name in html and "生熟分开" in html
    content = pdf.record_pdf(insp, verify_url="https://shian.example/v/x/")
    assert content.startswith(b"%PDF")
    from weasyprint import HTML

    plain = HTML(string=html).write_pdf(uncompressed_pdf=True)
    assert re.search(rb"/FontName /[A-Z]+\+Noto-Sans-CJK-SC", plain)  # the Chinese text is set in an embedded Noto CJK font
    page = w.client(None).get(f"/inspections/v/{insp.verify_code}/")
    assert page.status_code == 200 and insp.record_hash in page.content.decode()
    assert w.client(None).get("/inspections/v/nonexistent/").status_code == 404


@pytest.mark.django_db
def test_publication_deadline_and_overdue(iw: InspWorld) -> None:
    w = iw.world
    d = draw(iw, count=2)
    insp = close(d.inspections.get(operator=w.op1), by=iw.inspectors[0])
    draws_due, insps_due = selectors.overdue_publication(w.users["district_regulator"].principal)
    assert list(insps_due) == [insp] and list(draws_due) == [d]  # 2026-03-10 + 20 working days is in the past now
    assert list(selectors.overdue_publication(w.users["other_district_regulator"].principal)[1]) == []
    services.draw_publish(draw=d, by=w.users["district_regulator"])
    insp.refresh_from_db()
    assert insp.published_at is not None and list(selectors.public_results()) == [insp]
    assert AuditEntry.objects.filter(action="inspection.results_published", operator_id=w.op1.pk).exists()
    assert list(selectors.overdue_publication(w.users["district_regulator"].principal)[1]) == []


@pytest.mark.django_db
def test_coverage_by_grade(iw: InspWorld) -> None:
    w = iw.world
    close(draw(iw, count=2).inspections.get(operator=w.op1), by=iw.inspectors[0])
    rows = selectors.coverage_by_grade(w.users["city_regulator"].principal, path=w.city.path, since=date(2026, 1, 1), until=date(2026, 12, 31))
    assert [(r.grade, r.operators, r.inspected) for r in rows] == [("A", 1, 0), ("B", 2, 1)]
    assert rows[1].rate == 0.5
    assert NOW.year == 2026 and Inspection.objects.filter(status="closed").count() == 1
