"""Writes for produce certificates. Each service is keyword-only, runs in one transaction as ``by``,
validates fully and writes its typed audit events (the change log is written by signal).

Who may do what (rules in :mod:`shian.certificates.rules`, each with its source):

* ``certificate_issue``: the producer, i.e. an operator of type farm, issues an original certificate;
* ``certificate_reissue``: any operator holding certificated goods issues a new certificate after
  mixing or repacking them, naming the certificates it received (they must still be valid, and it
  cannot take more from a certificate than it still covers);
* ``certificate_revoke``: the issuer revokes a certificate with a reason (nothing is deleted);
* ``certificate_check``: a market checks a code at entry; every check is stored, valid or not,
  including codes the platform does not know.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import User
from shian.certificates import rules, validity
from shian.certificates.codes import is_certificate_code, new_certificate_code, parse_code
from shian.certificates.models import CertificateCheck, CertificateSource, ProduceCertificate
from shian.core import audit
from shian.core.context import acting_as
from shian.core.errors import Conflict, Invalid, full_clean_or_raise
from shian.registry.models import FoodCategory, Operator
from shian.trace.models import Document, Lot, Unit

_PHONE = re.compile(r"^\+?[0-9][0-9\- ()]{4,19}$")


def _types(operator: Operator) -> set[str]:
    return set(operator.types.values_list("code", flat=True))


def _require_active(operator: Operator, field: str) -> None:
    if operator.status != Operator.Status.ACTIVE:
        raise Invalid(_("%(name)s is %(status)s and may not issue produce certificates.")
                      % {"name": operator.name, "status": operator.get_status_display()}, code="issuer_inactive", field=field)


def _category(code: str) -> FoodCategory:
    category = FoodCategory.objects.filter(code=(code or "").strip()).first()
    if category is None:
        raise Invalid(_("Unknown food category: %(codes)s.") % {"codes": code}, code="category_unknown", field="category")
    if category.code not in rules.SCOPE_CATEGORIES:
        raise Invalid(_("Produce certificates cover vegetables, fruit, fresh tea leaves, livestock and poultry, eggs and farmed aquatic products "
                        "only (categories A01–A06)."), code="category_out_of_scope", field="category")
    return category


def _today() -> date:
    return timezone.localdate()


def _common_fields(*, quantity: Decimal, unit: str, basis: str, issued_on: date, contact_phone: str, origin: str, product_name: str) -> None:
    if quantity is None or quantity <= 0:
        raise Invalid(_("The quantity must be positive."), code="quantity_positive", field="quantity")
    if unit not in Unit.values:
        raise Invalid(_("Unknown unit."), code="unit_unknown", field="unit")
    if basis not in ProduceCertificate.Basis.values:
        raise Invalid(_("Choose the basis of the commitment: quality control, self-test or third-party test."), code="basis_unknown", field="basis")
    if issued_on > _today():
        raise Invalid(_("A certificate cannot be dated in the future."), code="issued_in_future", field="issued_on")
    if not product_name:
        raise Invalid(_("Give the product name."), code="product_name_required", field="product_name")
    if not origin:
        raise Invalid(_("Give the origin (where the produce was grown or raised)."), code="origin_required", field="origin")
    if not contact_phone:
        raise Invalid(_("Give a contact phone."), code="contact_required", field="contact_phone")
    if not _PHONE.match(contact_phone):
        raise Invalid(_("The contact phone may hold digits, spaces, hyphens and brackets only."), code="contact_format", field="contact_phone")


def _test_report(report: Document | None, basis: str) -> None:
    if report is None:
        return
    if basis != ProduceCertificate.Basis.THIRD_PARTY_TEST:
        raise Invalid(_("A test report is attached only when the basis is a third-party test."), code="report_needs_third_party", field="test_report")
    if report.kind != Document.Kind.TEST_REPORT:
        raise Invalid(_("The attached document is not a test report."), code="report_kind", field="test_report")


def _save_new(cert: ProduceCertificate) -> ProduceCertificate:
    # 80 random bits: a collision is most unlikely, but the unique constraint is the judge.
    while ProduceCertificate.objects.filter(code=cert.code).exists():
        cert.code = new_certificate_code()
    cert.retain_until = rules.retain_until(cert.issued_on)
    full_clean_or_raise(cert)
    cert.save()
    return cert


def _upload_report(file: IO[bytes] | Any, name: str, size: int | None, *, owner: Operator, lot: Lot | None, issued_on: date,
                   by: User | None) -> Document:
    from shian.trace.services import document_upload  # trace's document store: hashed, typed and size-limited

    doc, _created = document_upload(file=file, name=name, size=size, kind=Document.Kind.TEST_REPORT, issued_on=issued_on, owner=owner,
                                    lot=lot, by=by)
    return doc


def certificate_issue(*, issuer: Operator, quantity: Decimal, basis: str, category_code: str = "", product_name: str = "",
                      unit: str = Unit.KG, origin: str = "", contact_phone: str = "", issued_on: date | None = None, lot: Lot | None = None,
                      test_report: Document | None = None, test_report_file: IO[bytes] | Any = None, test_report_name: str = "",
                      test_report_size: int | None = None, by: User | None = None) -> ProduceCertificate:
    """Issue an original produce certificate for a farm's goods.

    The issuer must be a farm (``rules.ISSUER_TYPES``) and active; the category must be one that
    certificates cover (A01–A06). Left blank, the product name and category come from the lot, the
    origin from the farm's address and the contact phone from the farm's phone. A test report (an
    existing document, or a file uploaded with the certificate) goes only with a third-party test.
    """
    if not _types(issuer) & rules.ISSUER_TYPES:
        raise Invalid(_("Only a farm (the producer) issues an original produce certificate; a holder that mixes or repacks goods re-issues one."),
                      code="issuer_not_producer", field="issuer")
    _require_active(issuer, "issuer")
    if lot is not None and lot.product.owner_id != issuer.pk:
        raise Invalid(_("Lot %(lot)s is not the issuer's own.") % {"lot": lot.lot_code}, code="lot_not_own", field="lot")
    category = _category(category_code or (lot.product.category.code if lot is not None else ""))
    if lot is not None and lot.product.category_id != category.pk:
        raise Invalid(_("The category differs from the lot's product."), code="category_lot_mismatch", field="category")
    name = (product_name or (lot.product.name if lot is not None else "")).strip()
    day = issued_on or _today()
    phone = (contact_phone or issuer.phone or "").strip()
    origin = (origin or issuer.address or "").strip()
    _common_fields(quantity=quantity, unit=unit, basis=basis, issued_on=day, contact_phone=phone, origin=origin, product_name=name)
    if test_report_file is not None and basis != ProduceCertificate.Basis.THIRD_PARTY_TEST:
        raise Invalid(_("A test report is attached only when the basis is a third-party test."), code="report_needs_third_party", field="test_report")
    _test_report(test_report, basis)
    with acting_as(by), transaction.atomic():
        if test_report_file is not None:
            test_report = _upload_report(test_report_file, test_report_name, test_report_size, owner=issuer, lot=lot, issued_on=day, by=by)
        cert = _save_new(ProduceCertificate(
            issuer=issuer, product_name=name, category=category, quantity=quantity, unit=unit, origin=origin, contact_phone=phone, issued_on=day,
            basis=basis, commitment=rules.COMMITMENT_TEXT, lot=lot, test_report=test_report, issued_by=by if getattr(by, "pk", None) else None))
        audit.record_event("certificate.issued", obj=cert, operator_id=issuer.pk,
                           data={"code": cert.code, "product": name, "category": category.code, "quantity": str(quantity), "unit": unit,
                                 "basis": basis, "issued_on": day.isoformat(), "lot": lot.pk if lot else None,
                                 "test_report": test_report.pk if test_report else None})
        return cert


@dataclass(frozen=True)
class ParentIn:
    """A certificate a re-issue is made from, and how much of it is used (``None``: all it still covers)."""

    certificate: ProduceCertificate
    quantity: Decimal | None = None


def _parents(parents: Sequence[ProduceCertificate | ParentIn]) -> list[ParentIn]:
    out = [p if isinstance(p, ParentIn) else ParentIn(p) for p in parents]
    if not out:
        raise Invalid(_("Name the certificates the goods came with."), code="parents_required", field="parents")
    ids = [p.certificate.pk for p in out]
    if len(ids) != len(set(ids)):
        raise Invalid(_("Each certificate is named once as a source."), code="parent_repeated", field="parents")
    for p in out:
        if p.quantity is not None and p.quantity <= 0:
            raise Invalid(_("The quantity must be positive."), code="quantity_positive", field="parents")
    return out


def _only(values: set[Any]) -> Any:
    return next(iter(values)) if len(values) == 1 else None


def certificate_reissue(*, holder: Operator, parents: Sequence[ProduceCertificate | ParentIn], kind: str, quantity: Decimal, basis: str,
                        product_name: str = "", category_code: str = "", unit: str = "", origin: str = "", contact_phone: str = "",
                        issued_on: date | None = None, lot: Lot | None = None, test_report: Document | None = None,
                        by: User | None = None) -> ProduceCertificate:
    """Issue a new certificate after mixing or repacking goods received with other certificates.

    The parents must be valid and issued no later than the new certificate. From each, the holder
    takes a quantity (by default all it still covers, in the parent's unit), which cannot exceed what
    is left after earlier re-issues. When all units agree, the new quantity is at most the total taken.
    The product's category is one of the parents'. Product name, category and unit default to the
    parents' when they share one; origin and phone to the holder's.
    """
    wanted = _parents(parents)
    if kind not in ProduceCertificate.ReissueKind.values:
        raise Invalid(_("A certificate is re-issued after mixing or repacking."), code="reissue_kind", field="kind")
    if kind == ProduceCertificate.ReissueKind.MIXING and len(wanted) < rules.MIXING_MIN_PARENTS:
        raise Invalid(_("Mixing combines goods of at least two certificates; for goods of one certificate choose repacking."),
                      code="mixing_needs_two", field="parents")
    _require_active(holder, "holder")
    day = issued_on or _today()
    with acting_as(by), transaction.atomic():
        ids = [p.certificate.pk for p in wanted]
        locked = {c.pk: c for c in ProduceCertificate.objects.select_for_update().filter(pk__in=ids)}
        categories = {c.pk: c.category for c in ProduceCertificate.objects.filter(pk__in=ids).select_related("category")}
        used = dict(CertificateSource.objects.filter(parent_id__in=ids).values("parent_id").annotate(t=Sum("quantity")).values_list("parent_id", "t"))
        taken: list[tuple[ProduceCertificate, Decimal]] = []
        for p in wanted:
            parent = locked[p.certificate.pk]
            if parent.status != ProduceCertificate.Status.VALID:
                raise Invalid(_("Certificate %(code)s has been revoked; goods cannot be re-certified from it.") % {"code": parent.code},
                              code="parent_revoked", field="parents")
            if parent.issued_on > day:
                raise Invalid(_("Certificate %(code)s was issued after the new certificate's date.") % {"code": parent.code},
                              code="reissued_before_parent", field="issued_on")
            left = parent.quantity - (used.get(parent.pk) or Decimal(0))
            if left <= 0:
                raise Invalid(_("Everything certificate %(code)s covers has already been re-issued.") % {"code": parent.code},
                              code="parent_used_up", field="parents")
            amount = left if p.quantity is None else p.quantity
            if amount > left:
                raise Invalid(_("Certificate %(code)s covers only %(left)s %(unit)s more.")
                              % {"code": parent.code, "left": validity.plain(left), "unit": parent.get_unit_display()},
                              code="quantity_exceeds_parent", field="parents")
            taken.append((parent, amount))
        parent_categories = {categories[c.pk].code: categories[c.pk] for c, _a in taken}
        code = category_code or _only(set(parent_categories)) or ""
        if not code:
            raise Invalid(_("The goods come from certificates of different categories: choose the category."), code="category_required",
                          field="category")
        category = _category(code)
        if category.code not in parent_categories:
            raise Invalid(_("The category must be one of the certificates the goods came with."), code="category_not_from_parents", field="category")
        unit = unit or _only({c.unit for c, _a in taken}) or ""
        if not unit:
            raise Invalid(_("The certificates use different units: choose the unit."), code="unit_required", field="unit")
        name = (product_name or _only({c.product_name for c, _a in taken}) or "").strip()
        phone = (contact_phone or holder.phone or "").strip()
        origin = (origin or holder.address or "").strip()
        _common_fields(quantity=quantity, unit=unit, basis=basis, issued_on=day, contact_phone=phone, origin=origin, product_name=name)
        _test_report(test_report, basis)
        if lot is not None and lot.product.owner_id != holder.pk:
            raise Invalid(_("Lot %(lot)s is not the issuer's own.") % {"lot": lot.lot_code}, code="lot_not_own", field="lot")
        if all(c.unit == unit for c, _a in taken) and quantity > sum((a for _c, a in taken), Decimal(0)):
            raise Invalid(_("The new certificate cannot cover more than is taken from the certificates it replaces (%(total)s %(unit)s).")
                          % {"total": validity.plain(sum((a for _c, a in taken), Decimal(0))), "unit": Unit(unit).label},
                          code="quantity_exceeds_parents", field="quantity")
        cert = _save_new(ProduceCertificate(
            issuer=holder, product_name=name, category=category, quantity=quantity, unit=unit, origin=origin, contact_phone=phone, issued_on=day,
            basis=basis, commitment=rules.COMMITMENT_TEXT, lot=lot, test_report=test_report, reissue_kind=kind,
            issued_by=by if getattr(by, "pk", None) else None))
        links = CertificateSource.objects.bulk_create([CertificateSource(child=cert, parent=c, quantity=a) for c, a in taken])
        audit.record_changes_bulk(links, operator=lambda link: holder.pk)
        audit.record_event("certificate.reissued", obj=cert, operator_id=holder.pk,
                           data={"code": cert.code, "kind": kind, "product": name, "category": category.code, "quantity": str(quantity),
                                 "unit": unit, "basis": basis, "issued_on": day.isoformat(),
                                 "parents": [{"id": c.pk, "code": c.code, "quantity": str(a)} for c, a in taken]})
        return cert


def certificate_revoke(*, certificate: ProduceCertificate, reason: str, by: User | None = None) -> ProduceCertificate:
    """Revoke a certificate (it is kept, marked revoked, with the reason); a market's later check fails."""
    text = (reason or "").strip()
    if not text:
        raise Invalid(_("Give the reason for revoking the certificate."), code="reason_required", field="reason")
    with acting_as(by), transaction.atomic():
        cert = ProduceCertificate.objects.select_for_update().get(pk=certificate.pk)
        if cert.status == ProduceCertificate.Status.REVOKED:
            raise Conflict(_("This certificate has already been revoked."), code="already_revoked", field="status")
        cert.status = ProduceCertificate.Status.REVOKED
        cert.revoke_reason = text
        cert.revoked_at = timezone.now()
        full_clean_or_raise(cert)
        cert.save(update_fields=["status", "revoke_reason", "revoked_at"])
        children = list(cert.reissue_links.values_list("child_id", flat=True))
        audit.record_event("certificate.revoked", obj=cert, operator_id=cert.issuer_id,
                           data={"code": cert.code, "reason": text, "reissued_as": children})
        return cert


def _label(by: User | None, by_label: str) -> str:
    if by_label:
        return by_label[:150]
    if by is not None and getattr(by, "pk", None):
        return (by.get_full_name() or by.get_username())[:150]
    return ""


def certificate_check(*, code: str, market: Operator, quantity: Decimal | None = None, by: User | None = None, by_label: str = "",
                      at: datetime | None = None) -> CertificateCheck:
    """A market checks a scanned or typed code at entry and the result is stored, valid or invalid.

    An unknown code gives an invalid check without a certificate (the code as read is kept). With a
    quantity (in the certificate's unit), the check also fails when more is presented than the
    certificate still covers after earlier passed checks. ``at`` is for the demo generator only.
    """
    if not _types(market) & rules.CHECKER_TYPES:
        raise Invalid(_("Only a market checks produce certificates at entry."), code="checker_not_market", field="market")
    if quantity is not None and quantity <= 0:
        raise Invalid(_("The quantity must be positive."), code="quantity_positive", field="quantity")
    scanned = parse_code(code)
    if not scanned:
        raise Invalid(_("Scan or type the certificate's code."), code="code_required", field="code")
    when = at or timezone.now()
    with acting_as(by), transaction.atomic():
        cert = None
        if is_certificate_code(scanned):
            qs = ProduceCertificate.objects.select_related("category", "issuer").filter(code=scanned)
            cert = (qs.select_for_update(of=("self",)) if quantity is not None else qs).first()  # one ledger writer at a time
        facts = validity.gather(cert, on=timezone.localdate(when), presented=quantity)
        reasons = validity.problems(facts)
        check = CertificateCheck(certificate=cert, code_scanned=scanned, market=market, checked_by=by if getattr(by, "pk", None) else None,
                                 checked_by_label=_label(by, by_label), checked_at=when, quantity=quantity,
                                 result=CertificateCheck.Result.INVALID if reasons else CertificateCheck.Result.VALID, reasons=reasons)
        full_clean_or_raise(check)
        check.save()
        audit.record_event("certificate.checked", obj=check, operator_id=market.pk,
                           data={"code": scanned, "certificate": cert.pk if cert else None, "issuer": cert.issuer_id if cert else None,
                                 "result": check.result, "reasons": [r["code"] for r in reasons],
                                 "quantity": str(quantity) if quantity is not None else None})
        return check
