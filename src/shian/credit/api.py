"""Credit endpoints: the credit file, profiles (regulator and public), joint sanctions, credit repair,
the serious-violation list and restaurant violation points. The public profile and the published
list need no login."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from shian.accounts.models import User
from shian.api import principal_of
from shian.core.errors import Invalid
from shian.core.schemas import ERROR_RESPONSES
from shian.credit import rules, sanctions, selectors, services, standing
from shian.credit.models import CreditRecord, Listing, RepairApplication, ViolationPoint
from shian.credit.repair import Eligibility
from shian.credit.sanctions import Sanctions
from shian.credit.schemas import (
    CandidateOut,
    EligibilityOut,
    HygieneOut,
    ListingDecideIn,
    ListingIn,
    ListingOut,
    PointIn,
    PointOut,
    PointsOut,
    ProfileOut,
    PublicListingOut,
    PublicPointsOut,
    PublicProfileOut,
    PublicRecordOut,
    ReasonIn,
    RecordIn,
    RecordOut,
    RepairDecideIn,
    RepairIn,
    RepairOut,
    SanctionsOut,
    SourceOut,
    WhatIfOut,
)

router = Router(tags=["credit"])
ERRORS = ERROR_RESPONSES


class Paging(Schema):
    limit: int = 50
    offset: int = 0


class RecordQuery(Paging):
    kind: str = ""
    severity: str = ""
    state: str = ""


class StatusQuery(Paging):
    status: str = ""


class EligibilityQuery(Schema):
    obligations_fulfilled: bool = False
    harm_removed: bool = False


class WhatIfQuery(Schema):
    record_ids: str = ""


def _window(paging: Paging) -> tuple[int, int]:
    return max(1, min(paging.limit, 200)), max(0, paging.offset)


def _user(request: HttpRequest) -> User | None:
    principal = principal_of(request)
    return principal.user if principal is not None else None


# --- converters -----------------------------------------------------------------------------------

def source_out(source: rules.Source) -> SourceOut:
    return SourceOut(text=source.text, confidence=source.confidence)


def record_out(r: CreditRecord, today: date | None = None) -> RecordOut:
    today = today or timezone.localdate()
    try:
        period_source = rules.period_for(r.kind, r.severity).source
    except KeyError:
        period_source = rules.RECORDS_SOURCE
    return RecordOut(id=r.pk, operator_id=r.operator_id, operator_name=r.operator.name, kind=r.kind, severity=r.severity, title=r.title, facts=r.facts,
                     legal_ground=r.legal_ground, decision_number=r.decision_number, source_ref=r.source_ref, source_url=r.source_url,
                     occurred_on=r.occurred_on, effect_until=r.effect_until, public=r.public, display_until=r.display_until, repair_from=r.repair_from,
                     repaired=r.repaired, repaired_on=r.repaired_on, withdrawn=r.withdrawn, withdrawn_reason=r.withdrawn_reason,
                     displayed=standing.displayed(r, today), in_effect=standing.in_effect(r, today), period_rule=r.period_rule,
                     period_source=source_out(period_source))


def public_record_out(r: CreditRecord) -> PublicRecordOut:
    return PublicRecordOut(kind=r.kind, severity=r.severity, title=r.title, facts=r.facts, legal_ground=r.legal_ground,
                           decision_number=r.decision_number, occurred_on=r.occurred_on, display_until=r.display_until)


def eligibility_out(e: Eligibility) -> EligibilityOut:
    return EligibilityOut(eligible=e.eligible, code=e.code, message=e.message, field=e.field, earliest_date=e.earliest_date)


def repair_out(a: RepairApplication) -> RepairOut:
    return RepairOut(id=a.pk, record_id=a.record_id, operator_id=a.operator_id, record_kind=a.record.kind, status=a.status, applied_on=a.applied_on,
                     due_on=a.due_on, obligations_fulfilled=a.obligations_fulfilled, harm_removed=a.harm_removed, evidence=a.evidence,
                     decided_on=a.decided_on, decision_reason=a.decision_reason, earliest_date=a.earliest_date)


def listing_out(x: Listing) -> ListingOut:
    return ListingOut(id=x.pk, operator_id=x.operator_id, operator_name=x.operator.name, penalty_id=x.penalty_id,
                      decision_number=x.penalty.decision_number, ground=x.ground, ground_label=str(rules.LISTING_GROUNDS.get(x.ground, x.ground)),
                      facts=x.facts, status=x.status, proposed_on=x.proposed_on, decided_on=x.decided_on, decision_reason=x.decision_reason,
                      published_on=x.published_on, removal_due=x.removal_due, removed_on=x.removed_on, removal=x.removal, record_id=x.record_id)


def sanctions_out(s: Sanctions) -> SanctionsOut:
    return SanctionsOut(operator_id=s.operator_id, level=s.level, listed=s.listed, no_instant_approval=s.no_instant_approval,
                        extra_inspections=s.extra_inspections, excluded_from_quality_brand=s.excluded_from_quality_brand,
                        excluded_from_honours=s.excluded_from_honours, public_flag=s.public_flag, triggers=list(s.triggers),
                        sources=[source_out(x) for x in s.sources()])


def point_out(p: ViolationPoint) -> PointOut:
    return PointOut(id=p.pk, operator_id=p.operator_id, occurred_on=p.occurred_on, points=p.points, violation=p.violation)


def hygiene_out(h: selectors.HygieneSummary | None) -> HygieneOut | None:
    if h is None:
        return None
    return HygieneOut(dynamic=h.dynamic.grade if h.dynamic else None, dynamic_label=h.dynamic_label,
                      dynamic_on=h.dynamic.assessed_on if h.dynamic else None, quiet_until=h.quiet_until,
                      annual=h.annual.grade if h.annual else None, annual_year=h.annual.year if h.annual else None,
                      annual_score=float(h.annual.score) if h.annual and h.annual.score is not None else None)


# --- records ----------------------------------------------------------------------------------------

@router.get("/records", response={200: list[RecordOut], **ERRORS}, summary="信用记录列表（信用档案）")
def record_list(request: HttpRequest, query: Query[RecordQuery]) -> list[RecordOut]:
    limit, offset = _window(query)
    filters = selectors.RecordFilters.from_params({"kind": query.kind, "severity": query.severity, "state": query.state})
    return [record_out(r) for r in selectors.record_list(principal_of(request), filters)[offset:offset + limit]]


@router.post("/records", response={201: RecordOut, **ERRORS}, summary="录入行政处罚、投诉核实、信用承诺或表彰")
def record_create(request: HttpRequest, payload: RecordIn) -> Status[RecordOut]:
    principal = principal_of(request)
    op = selectors.operator_for(principal, payload.operator_id, "commit" if payload.kind == "commitment" else "record")
    record = services.record_create(operator=op, kind=payload.kind, severity=payload.severity, title=payload.title, facts=payload.facts,
                                    occurred_on=payload.occurred_on, legal_ground=payload.legal_ground, decision_number=payload.decision_number,
                                    withhold=payload.withhold, by=_user(request))
    return Status(201, record_out(record))


@router.get("/records/{record_id}", response={200: RecordOut, **ERRORS}, summary="信用记录详情")
def record_detail(request: HttpRequest, record_id: int) -> RecordOut:
    return record_out(selectors.record_for(principal_of(request), record_id))


@router.post("/records/{record_id}/withdraw", response={200: RecordOut, **ERRORS}, summary="撤销错误或被推翻的信用记录")
def record_withdraw(request: HttpRequest, record_id: int, payload: ReasonIn) -> RecordOut:
    record = selectors.record_for(principal_of(request), record_id, "record")
    return record_out(services.record_withdraw(record=record, reason=payload.reason, by=_user(request)))


@router.get("/records/{record_id}/repair-eligibility", response={200: EligibilityOut, **ERRORS}, summary="信用修复资格（不提交申请）")
def record_eligibility(request: HttpRequest, record_id: int, query: Query[EligibilityQuery]) -> EligibilityOut:
    record = selectors.record_for(principal_of(request), record_id, "apply")
    return eligibility_out(services.repair_check(record=record, obligations_fulfilled=query.obligations_fulfilled, harm_removed=query.harm_removed))


@router.post("/records/{record_id}/repair", response={201: RepairOut, **ERRORS},
             summary="申请信用修复（名单记录：申请提前移出）；不符合条件时返回原因和最早可申请日期")
def repair_apply(request: HttpRequest, record_id: int, payload: RepairIn) -> Status[RepairOut]:
    record = selectors.record_for(principal_of(request), record_id, "apply")
    app = services.repair_apply(record=record, obligations_fulfilled=payload.obligations_fulfilled, harm_removed=payload.harm_removed,
                                evidence=payload.evidence, applied_on=payload.applied_on, by=_user(request))
    return Status(201, repair_out(app))


# --- repair applications ----------------------------------------------------------------------------

@router.get("/repairs", response={200: list[RepairOut], **ERRORS}, summary="信用修复申请列表")
def repair_list(request: HttpRequest, query: Query[StatusQuery]) -> list[RepairOut]:
    limit, offset = _window(query)
    return [repair_out(a) for a in selectors.repair_list(principal_of(request), status=query.status)[offset:offset + limit]]


@router.get("/repairs/{application_id}", response={200: RepairOut, **ERRORS}, summary="信用修复申请详情")
def repair_detail(request: HttpRequest, application_id: int) -> RepairOut:
    return repair_out(selectors.repair_for(principal_of(request), application_id))


@router.post("/repairs/{application_id}/decide", response={200: RepairOut, **ERRORS}, summary="作出信用修复决定")
def repair_decide(request: HttpRequest, application_id: int, payload: RepairDecideIn) -> RepairOut:
    app = selectors.repair_for(principal_of(request), application_id, "decide")
    return repair_out(services.repair_decide(application=app, approve=payload.approve, reason=payload.reason, decided_on=payload.decided_on,
                                             earliest_date=payload.earliest_date, by=_user(request)))


# --- operators: profile, sanctions, what-if, points --------------------------------------------------

@router.get("/operators/{operator_id}/profile", response={200: ProfileOut, **ERRORS}, summary="信用画像（监管视图：全部记录）")
def operator_profile(request: HttpRequest, operator_id: int) -> ProfileOut:
    op = selectors.operator_for(principal_of(request), operator_id)
    p = selectors.profile(op, public=False)
    points = None
    if p.points is not None:
        points = PointsOut(cycle_start=p.points.cycle_start, cycle_end=p.points.cycle_end, total=p.points.total, grade=p.points.grade,
                           consequence=p.points.consequence, source=source_out(p.points.source), entries=[point_out(e) for e in p.points.entries])
    return ProfileOut(operator_id=op.pk, name=op.name, uscc=op.uscc, level=p.standing.level, level_label=p.standing.level_label,
                      decided_by=p.standing.decided_by, counts=p.standing.counts, sanctions=sanctions_out(p.sanctions),
                      records=[record_out(r, p.today) for r in p.records], listing=listing_out(p.listing) if p.listing else None,
                      repairs=[repair_out(a) for a in p.repairs], points=points, hygiene=hygiene_out(p.hygiene),
                      public_url=request.build_absolute_uri(reverse("credit-public", args=[op.uscc])))


@router.get("/operators/{operator_id}/sanctions", response={200: SanctionsOut, **ERRORS}, summary="联合惩戒措施（sanctions_for）")
def operator_sanctions(request: HttpRequest, operator_id: int) -> SanctionsOut:
    op = selectors.operator_for(principal_of(request), operator_id)
    return sanctions_out(sanctions.sanctions_for(op))


@router.get("/operators/{operator_id}/what-if", response={200: WhatIfOut, **ERRORS}, summary="信用修复模拟：修复后信用等级与公示的变化")
def operator_what_if(request: HttpRequest, operator_id: int, query: Query[WhatIfQuery]) -> WhatIfOut:
    op = selectors.operator_for(principal_of(request), operator_id)
    ids = None
    if query.record_ids.strip():
        try:
            ids = {int(x) for x in query.record_ids.split(",") if x.strip()}
        except ValueError:
            raise Invalid(_("List the record ids separated by commas."), code="record_ids_invalid", field="record_ids") from None
    w = selectors.what_if(op, ids)
    return WhatIfOut(level_before=w.before.level, level_after=w.after.level, shown_before=w.shown_before, shown_after=w.shown_after,
                     sanctions_before=sanctions_out(w.sanctions_before), sanctions_after=sanctions_out(w.sanctions_after),
                     candidates=[CandidateOut(record_id=c.record.pk, title=c.record.title, kind=c.record.kind, severity=c.record.severity,
                                              chosen=c.record.pk in w.chosen, eligibility=eligibility_out(c.eligibility)) for c in w.candidates])


@router.post("/operators/{operator_id}/points", response={201: PointOut, **ERRORS}, summary="餐饮违法行为记分")
def points_record(request: HttpRequest, operator_id: int, payload: PointIn) -> Status[PointOut]:
    op = selectors.operator_for(principal_of(request), operator_id, "record")
    row = services.points_record(operator=op, points=payload.points, violation=payload.violation, occurred_on=payload.occurred_on,
                                 by=_user(request))
    return Status(201, point_out(row))


# --- serious-violation list ---------------------------------------------------------------------------

@router.get("/listings", response={200: list[ListingOut], **ERRORS}, summary="严重违法失信名单（提议、列入、移出）")
def listing_list(request: HttpRequest, query: Query[StatusQuery]) -> list[ListingOut]:
    limit, offset = _window(query)
    return [listing_out(x) for x in selectors.listing_list(principal_of(request), status=query.status)[offset:offset + limit]]


@router.post("/listings", response={201: ListingOut, **ERRORS}, summary="提议列入严重违法失信名单")
def listing_propose(request: HttpRequest, payload: ListingIn) -> Status[ListingOut]:
    penalty = selectors.record_for(principal_of(request), payload.penalty_id, "propose")
    listing = services.listing_propose(penalty=penalty, ground=payload.ground, facts=payload.facts, proposed_on=payload.proposed_on, by=_user(request))
    return Status(201, listing_out(listing))


@router.get("/listings/{listing_id}", response={200: ListingOut, **ERRORS}, summary="名单记录详情")
def listing_detail(request: HttpRequest, listing_id: int) -> ListingOut:
    return listing_out(selectors.listing_for(principal_of(request), listing_id))


@router.post("/listings/{listing_id}/decide", response={200: ListingOut, **ERRORS}, summary="决定是否列入（列入即公示）")
def listing_decide(request: HttpRequest, listing_id: int, payload: ListingDecideIn) -> ListingOut:
    listing = selectors.listing_for(principal_of(request), listing_id, "decide")
    return listing_out(services.listing_decide(listing=listing, approve=payload.approve, reason=payload.reason, decided_on=payload.decided_on,
                                               by=_user(request)))


# --- public (no login) --------------------------------------------------------------------------------

@router.get("/public/operators/{uscc}", auth=None, response={200: PublicProfileOut, **ERRORS}, summary="公开信用画像（桌贴扫码，无需登录）")
def public_profile(request: HttpRequest, uscc: str) -> PublicProfileOut:
    op = selectors.operator_by_uscc(uscc)
    p = selectors.profile(op, public=True)
    points = None
    if p.points is not None:
        points = PublicPointsOut(grade=p.points.grade, total=p.points.total, cycle_start=p.points.cycle_start, cycle_end=p.points.cycle_end)
    return PublicProfileOut(name=op.name, uscc=op.uscc, jurisdiction=op.jurisdiction.name, level=p.standing.level if p.show_level else None,
                            serious_violation=p.sanctions.public_flag, records=[public_record_out(r) for r in p.records], points=points,
                            hygiene=hygiene_out(p.hygiene))


@router.get("/public/listings", auth=None, response={200: list[PublicListingOut], **ERRORS}, summary="公示的严重违法失信名单（无需登录）")
def public_listings(request: HttpRequest, query: Query[Paging]) -> list[PublicListingOut]:
    limit, offset = _window(query)
    return [PublicListingOut(operator_name=x.operator.name, uscc=x.operator.uscc, jurisdiction=x.operator.jurisdiction.name,
                             ground_label=str(rules.LISTING_GROUNDS.get(x.ground, x.ground)), decision_number=x.penalty.decision_number,
                             published_on=x.published_on, removal_due=x.removal_due) for x in selectors.public_listings()[offset:offset + limit]]
