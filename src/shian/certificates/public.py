"""The public hook for the consumer QR page of a platform lot (``shian.trace.consumer``).

Only public facts leave this module: no contact phone, no revocation reason, no checks.
"""

from __future__ import annotations

from typing import Any

from shian.certificates.models import ProduceCertificate
from shian.certificates.selectors import public_view
from shian.trace.models import Lot


def published_for_lot(lot: Lot) -> list[dict[str, Any]]:
    """The valid produce certificates that concern a platform lot, newest first (one query).

    Each is a dict: ``code``, ``product`` (name), ``category`` (name), ``issuer`` (name), ``origin``,
    ``issued_on`` (a date), ``basis`` (the code: quality_control, self_test or third_party_test),
    ``basis_label`` (in the active language) and ``url`` (the public page's path, ``/certificates/c/<code>/``;
    make it absolute with ``request.build_absolute_uri``).
    """
    certs = (ProduceCertificate.objects.filter(lot=lot, status=ProduceCertificate.Status.VALID).select_related("issuer", "category")
             .order_by("-issued_on", "-id"))
    out = []
    for c in certs:
        p = public_view(c)
        out.append({"code": p.code, "product": p.product_name, "category": p.category, "issuer": p.issuer_name, "origin": p.origin,
                    "issued_on": p.issued_on, "basis": p.basis, "basis_label": p.basis_label, "url": p.url})
    return out
