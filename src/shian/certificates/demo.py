"""Demo data: produce certificates issued by farms and checked at markets, written through the services
(so the audit trail and the rules apply as in real use). The demo generator calls :func:`generate`."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from shian.certificates import rules, services
from shian.certificates.models import ProduceCertificate
from shian.registry.models import Operator

# Jiangmen produce by category, with the unit it is sold in and a typical quantity range.
PRODUCE: dict[str, list[tuple[str, str, int, int]]] = {
    "A01": [("菜心", "kg", 50, 800), ("生菜", "kg", 50, 600), ("白萝卜", "kg", 100, 1500), ("人工种植香菇", "kg", 20, 300)],
    "A02": [("新会柑", "kg", 200, 3000), ("荔枝", "kg", 100, 1500), ("龙眼", "kg", 100, 1200)],
    "A03": [("茶鲜叶", "kg", 20, 200)],
    "A04": [("生猪", "head", 5, 60), ("活鸡", "head", 50, 800), ("鹅", "head", 20, 300)],
    "A05": [("鸡蛋", "kg", 50, 600), ("鸭蛋", "kg", 30, 300)],
    "A06": [("草鱼", "kg", 100, 2000), ("罗氏沼虾", "kg", 50, 600), ("生蚝", "kg", 100, 1500)],
}
BASIS_WEIGHTS = ((ProduceCertificate.Basis.QUALITY_CONTROL, 70), (ProduceCertificate.Basis.SELF_TEST, 25),
                 (ProduceCertificate.Basis.THIRD_PARTY_TEST, 5))
CHECKED_SHARE = 0.6  # of certificates presented at a market gate
UNKNOWN_SHARE = 0.02  # checks of codes that were never issued (a forged or mistyped label)
REVOKED_SHARE = 0.02  # certificates the farm revokes (wrong quantity, wrong product)
REPACKED_SHARE = 0.1  # certificates a market trader repacks and re-issues


def _phone(rng: random.Random) -> str:
    return f"0750-{rng.randint(2000000, 8999999)}"


def _moment(rng: random.Random, day: date) -> datetime:
    """A time on ``day`` during market hours (China time), never in the future."""
    at = timezone.make_aware(datetime.combine(day, time(rng.randint(3, 10), rng.randint(0, 59))))
    return min(at, timezone.now())


def generate(farms: Sequence[Operator], markets: Sequence[Operator], rng: random.Random, start: date, end: date) -> int:
    """Issue 1–4 certificates per active farm between ``start`` and ``end`` (not after today), check about
    60% of them at random markets (with a few revoked certificates and unknown codes), and re-issue some
    after repacking at the market. Returns the number of certificates created, re-issues included."""
    end = min(end, timezone.localdate())
    if end < start:
        return 0
    active = list(Operator.objects.filter(pk__in=[f.pk for f in farms], status=Operator.Status.ACTIVE, types__code__in=rules.ISSUER_TYPES)
                  .prefetch_related("scope").distinct().order_by("pk"))
    gates = list(Operator.objects.filter(pk__in=[m.pk for m in markets], types__code__in=rules.CHECKER_TYPES).distinct().order_by("pk"))
    span = (end - start).days
    issued: list[ProduceCertificate] = []
    for farm in active:
        categories = sorted(c.code for c in farm.scope.all() if c.code in rules.SCOPE_CATEGORIES) or [rng.choice(sorted(PRODUCE))]
        phone = farm.phone or _phone(rng)
        for _n in range(rng.randint(1, 4)):
            name, unit, low, high = rng.choice(PRODUCE[rng.choice(categories)])
            category = next(code for code, items in PRODUCE.items() if any(i[0] == name for i in items))
            basis = rng.choices([b for b, _w in BASIS_WEIGHTS], weights=[w for _b, w in BASIS_WEIGHTS])[0]
            issued.append(services.certificate_issue(issuer=farm, product_name=name, category_code=category, quantity=Decimal(rng.randint(low, high)),
                                                     unit=unit, contact_phone=phone, issued_on=start + timedelta(days=rng.randint(0, span)),
                                                     basis=basis))
    created = len(issued)
    if not gates:
        return created
    for cert in issued:
        if rng.random() < REVOKED_SHARE:
            services.certificate_revoke(certificate=cert, reason="数量填写错误，已重新开具")
            cert.status = ProduceCertificate.Status.REVOKED
        if rng.random() >= CHECKED_SHARE:
            continue
        market = rng.choice(gates)
        day = min(cert.issued_on + timedelta(days=rng.randint(0, 2)), end)
        services.certificate_check(code=cert.code, market=market, quantity=cert.quantity, by_label="市场入场查验员", at=_moment(rng, day))
        if cert.status == ProduceCertificate.Status.VALID and market.status == Operator.Status.ACTIVE and rng.random() < REPACKED_SHARE:
            half = (cert.quantity / 2).quantize(Decimal("0.001"))
            services.certificate_reissue(holder=market, parents=[services.ParentIn(cert, half)], kind=ProduceCertificate.ReissueKind.REPACKING,
                                         quantity=half, basis=ProduceCertificate.Basis.QUALITY_CONTROL, contact_phone=market.phone or _phone(rng),
                                         issued_on=day)
            created += 1
    for _n in range(max(1, int(len(issued) * UNKNOWN_SHARE))):
        services.certificate_check(code="".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _c in range(16)), market=rng.choice(gates),
                                   by_label="市场入场查验员", at=_moment(rng, start + timedelta(days=rng.randint(0, span))))
    return created
