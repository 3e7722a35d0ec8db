"""Which certificates a first-stop entry has, lacks or holds expired: a pure function over loaded rows,
shared by the release service, the entry page and the API (the rules are in :mod:`shian.coldchain.rules`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from shian.coldchain import rules
from shian.coldchain.models import EntryCertificate
from shian.trace.rules import Source

OK = "ok"
MISSING = "missing"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"


@dataclass
class Check:
    """One required certificate kind: its state on the day checked and the attached files of that kind."""

    kind: str
    label: str
    source: Source
    state: str
    certificates: list[EntryCertificate] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.state == OK

    @property
    def problem(self) -> str:
        if self.state == MISSING:
            return _("%(label)s is missing.") % {"label": self.label}
        if self.state == EXPIRED:
            return _("%(label)s has expired.") % {"label": self.label}
        if self.state == NOT_YET_VALID:
            return _("%(label)s is dated after the release day.") % {"label": self.label}
        return ""

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "state": self.state, "problem": self.problem or None,
                "source": self.source.text, "confidence": self.source.confidence}


def _valid_on(cert: EntryCertificate, on: date) -> str:
    doc = cert.document
    if doc.issued_on > on:
        return NOT_YET_VALID
    if doc.valid_until is not None and doc.valid_until < on:
        return EXPIRED
    return OK


def check(certificates: Sequence[EntryCertificate], on: date) -> list[Check]:
    """The required certificates' states on day ``on``: ``ok`` when at least one attached file of the
    kind is valid that day; otherwise ``expired``/``not_yet_valid`` (a file exists) or ``missing``."""
    out = []
    for rule in rules.required_certificates():
        of_kind = [c for c in certificates if c.document.kind == rule.kind]
        states = [_valid_on(c, on) for c in of_kind]
        state = OK if OK in states else (states[0] if states else MISSING)
        out.append(Check(rule.kind, str(rule.label), rule.source, state, of_kind))
    return out


def problems(checks: Sequence[Check]) -> list[Check]:
    return [c for c in checks if not c.ok]
