"""The dossier's extension point (一户一档).

A module adds to an operator's dossier without the registry importing it: in its
``AppConfig.ready`` it calls :func:`register_section` with a provider that, given the
operator and the acting principal, returns a :class:`Section` (title, JSON data for the API,
a template for the page, timeline entries). The registry's own records use the same hook.

Providers must do a bounded number of queries (no per-row queries) and return only what
the principal may see; the dossier page and API resource call every provider in ``order``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from shian.core.access import Principal


@dataclass
class TimelineEntry:
    """One dated line on the dossier timeline."""

    when: datetime | date
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    kind_label: str = ""  # shown instead of ``kind`` on pages

    def sort_key(self) -> str:
        return self.when.isoformat() if isinstance(self.when, datetime) else f"{self.when.isoformat()}T00:00:00"

    def as_dict(self) -> dict[str, Any]:
        return {"when": self.when.isoformat(), "kind": self.kind, "kind_label": self.kind_label or self.kind, "title": self.title,
                "detail": self.detail, "url": self.url}


@dataclass
class Section:
    """One block of the dossier."""

    key: str
    title: str
    data: Any
    template: str
    count: int | None = None
    timeline: list[TimelineEntry] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)


Provider = Callable[[Any, Principal], Section | None]


@dataclass(frozen=True)
class _Registration:
    key: str
    order: int
    provider: Provider


_SECTIONS: dict[str, _Registration] = {}


def register_section(key: str, provider: Provider, *, order: int = 100) -> None:
    """Add (or replace) a dossier section; ``order`` sorts sections on the page."""
    _SECTIONS[key] = _Registration(key, order, provider)


def sections_for(operator: Any, principal: Principal) -> list[Section]:
    """Every registered section the principal may see, in order."""
    out = []
    for reg in sorted(_SECTIONS.values(), key=lambda r: (r.order, r.key)):
        section = reg.provider(operator, principal)
        if section is not None:
            out.append(section)
    return out


def timeline_of(sections: list[Section], *, limit: int = 200) -> list[TimelineEntry]:
    """All sections' timeline entries merged, newest first."""
    entries = [e for s in sections for e in s.timeline]
    entries.sort(key=lambda e: e.sort_key(), reverse=True)
    return entries[:limit]
