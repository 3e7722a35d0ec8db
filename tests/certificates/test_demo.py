"""The demo helper issues and checks certificates through the services; the audit chain stays whole."""

from __future__ import annotations

import random
from datetime import date

import pytest

from shian.certificates import demo
from shian.certificates.models import CertificateCheck, ProduceCertificate
from shian.core import audit
from tests.certificates.conftest import Produce


@pytest.mark.django_db
def test_generate(produce: Produce) -> None:
    w = produce.world
    created = demo.generate([produce.farm, w.op1], [produce.market, w.op3], random.Random(7), date(2026, 2, 1), date(2026, 3, 31))
    certs = ProduceCertificate.objects.all()
    assert created == certs.count() >= 1
    assert set(certs.filter(reissue_kind="").values_list("issuer_id", flat=True)) == {produce.farm.pk}  # op1 is no farm
    assert all(c.category.code in ("A01", "A04") for c in certs.select_related("category"))  # the farm's scope
    checks = CertificateCheck.objects.all()
    assert checks.exists() and set(checks.values_list("market_id", flat=True)) == {produce.market.pk}
    assert checks.filter(certificate__isnull=True).exists()  # a few unknown codes
    assert all(k.checked_at.date() <= date(2026, 4, 2) for k in checks)
    checked, problems = audit.verify()
    assert not problems and checked > 0
    assert demo.generate([produce.farm], [produce.market], random.Random(1), date(2026, 5, 1), date(2026, 4, 1)) == 0
