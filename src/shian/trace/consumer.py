"""The consumer page of a lot (扫码查询): what the public learns by scanning the code on a package.

A code is a GS1 Digital Link URI (``https://<host>/01/<GTIN>/10/<lot>``, with or without further key
qualifiers and query attributes), a GS1 element string as a scanner or a person writes it (``(01)…(10)…``
or the raw string with group separators) or a platform trace code (``JM…``). GS1 syntax is parsed by
biip; the GTIN's check digit is checked with python-stdnum (:func:`identifiers.normalise_gtin`).

The page is public, so :func:`consumer_view` reads without a principal and shows only what a consumer
may see: the product, its producer (name, district and street, licence number and status), the
production and expiry dates, the route the lot took (business step, date, district and street of the
party: never a credit code, a quantity or a price), the titles and dates of the test reports attached
to the lot (not the files: they are the producer's documents, shown to its trading partners and
regulators only) and the public sections other modules contribute (:func:`register_public_section`).

It is cheap by construction: a fixed number of indexed queries (the lot with its product, category,
producer and place; the producer's licences; the test reports; one query per route level, at most
``ROUTE_LEVELS`` levels and ``ROUTE_LIMIT`` events; the places of the route's parties), plus whatever
the registered sections cost.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from typing import Any
from urllib.parse import quote

from biip import ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_element_strings import GS1ElementStrings
from biip.gs1_messages import GS1Message
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from shian.core.errors import Invalid
from shian.core.models import Jurisdiction
from shian.epcis.models import EpcisEvent, EventIdentifier
from shian.registry.models import Licence, Operator
from shian.trace.epcis_events import uscc_of
from shian.trace.identifiers import LOT_CODE_MAX, digital_link, is_trace_code, normalise_gtin, validate_lot_code
from shian.trace.models import Document, Lot
from shian.trace.steps import step_label

logger = logging.getLogger(__name__)

ROUTE_LIMIT = 50  # events shown at most (the most recent ones when a lot has more)
ROUTE_LEVELS = 3  # the lot itself, then at most two levels of ingredients back towards the origin
ROUTE_FRONTIER = 20  # ingredient identifiers followed per level at most
CODE_MAX = 512  # longest code accepted from the lookup form
CACHE_SECONDS = 60  # a consumer page is kept this long unless SHIAN_CONSUMER_CACHE_SECONDS says otherwise
_LOT_ROLES = ("object", "output", "child")  # events that name the lot as what was handled, made or packed
_TRACE_LINK = re.compile(r"/t/([A-Za-z2-7]{14})/?$")
_SYMBOLOGY = re.compile(r"^\][A-Za-z][0-9A-Za-z]")  # ]d2 (GS1 DataMatrix), ]C1 (GS1-128), ]Q3 (QR), ...
_LOT_URN = "urn:shian:lot:"


# --- codes ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Code:
    """What a scanned or typed code names: a trace code, or a GTIN-14 and a lot code."""

    trace_code: str = ""
    gtin: str = ""
    lot_code: str = ""

    @property
    def path(self) -> str:
        """The consumer page of this code on the platform (the resolver's path)."""
        if self.trace_code:
            return f"/t/{self.trace_code}"
        return f"/01/{self.gtin}/10/{quote(self.lot_code, safe='')}"


def _unrecognised() -> Invalid:
    return Invalid(_("This is not a code the platform knows: enter the trace code or scan the QR code on the package."),
                   code="code_unrecognised", field="code")


def _element_strings(raw: str) -> GS1ElementStrings:
    lowered = raw.lower()
    try:
        if lowered.startswith(("https://", "http://")):
            return GS1DigitalLinkURI.parse(raw).element_strings
        if raw.startswith("/"):
            return GS1DigitalLinkURI.parse(f"https://id.gs1.org{raw}").element_strings
        if raw.startswith("("):
            return GS1Message.parse_hri(raw).element_strings
        if raw[:1].isdigit():
            return GS1Message.parse(raw).element_strings
    except ParseError:
        if "(10)" in raw or "/10/" in raw or lowered.startswith(("https://", "http://", "/")):
            raise Invalid(_("The code is not a valid GS1 code: check the GTIN and the lot code."), code="gs1_invalid", field="code") from None
    raise _unrecognised()


def parse_code(text: str) -> Code:
    """What a typed or scanned code names; :class:`Invalid` (with a Chinese message) when it names no lot.

    Accepts a trace code, a link to a trace code (``…/t/JM…``), a GS1 Digital Link URI or resolver path,
    and a GS1 element string in HRI form or as scanned (group separators, symbology identifier).
    """
    raw = (text or "").strip()
    if not raw:
        raise Invalid(_("Enter the code printed on the package."), code="code_empty", field="code")
    if len(raw) > CODE_MAX:
        raise _unrecognised()
    if is_trace_code(raw.upper()):
        return Code(trace_code=raw.upper())
    link = _TRACE_LINK.search(raw.split("?", 1)[0].split("#", 1)[0])
    if link and is_trace_code(link[1].upper()):
        return Code(trace_code=link[1].upper())
    if _SYMBOLOGY.match(raw):
        raw = raw[3:]
    strings = _element_strings(raw)
    gtin_element = strings.get(ai="01")
    lot_element = strings.get(ai="10")
    if gtin_element is None:
        raise _unrecognised()
    try:
        gtin = normalise_gtin(gtin_element.value)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], code=exc.code or "gtin_invalid", field="code") from None
    if lot_element is None:
        raise Invalid(_("This code names a product but not a lot: scan the code printed with the lot number."), code="lot_missing",
                      field="code")
    try:
        validate_lot_code(lot_element.value)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], code=exc.code or "lot_code_format", field="code") from None
    return Code(gtin=gtin, lot_code=lot_element.value)


def resolver_code(gtin: str, rest: str | None) -> Code:
    """The code of a Digital Link resolver request ``/01/<gtin>/<rest>`` (Django has decoded the path).

    The lot code is the value after ``10/``; a CPV (``22/…``) before it and a serial (``21/…``) after it
    are accepted and ignored, as are query attributes (``?17=…``, which never reach this function). A
    GTIN of 8, 12 or 13 digits is padded to GTIN-14. biip checks the whole URI, with the lot code
    percent-encoded again.
    """
    match = re.fullmatch(r"(?:22/[^/]+/)?10/(?P<lot>.+?)(?:/21/[^/]+)?/?", rest or "")
    if match is None or len(match["lot"]) > LOT_CODE_MAX:
        if not rest:
            raise Invalid(_("This code names a product but not a lot: scan the code printed with the lot number."), code="lot_missing",
                          field="code")
        raise _unrecognised()
    try:
        gtin14 = normalise_gtin(gtin)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], code=exc.code or "gtin_invalid", field="code") from None
    return parse_code(digital_link(gtin14, match["lot"]))


# --- public sections: the hook other modules use ---------------------------------------------------

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class PublicSection:
    """A block of the consumer page: ``provider(lot)`` returns rows ``{"label", "value"[, "link"]}``; none hides it."""

    key: str
    title: str | Promise
    provider: Callable[[Lot], Rows]
    order: int = 100


_SECTIONS: dict[str, PublicSection] = {}
_WARNINGS: dict[str, Callable[[Lot], str | None]] = {}


def _certificate_rows(items: Rows) -> Rows:
    """Produce certificates (``shian.certificates.public``) as rows: date, then product, issuer and basis, linked to the certificate."""
    return [{"label": item.get("issued_on", ""), "value": " · ".join(str(item[k]) for k in ("product", "issuer", "basis_label") if item.get(k)),
             "link": item.get("url")} for item in items]


# Modules written alongside this one: each is registered on first use if it is installed, through its
# ``published_for_lot(lot)`` and, when its items are not rows already, an adapter.
_OPTIONAL_SECTIONS: tuple[tuple[str, str, str | Promise, int, Callable[[Rows], Rows] | None], ...] = (
    ("certificates", "shian.certificates.public", gettext_lazy("Produce certificates"), 30, _certificate_rows),
    ("coldchain", "shian.coldchain.public", gettext_lazy("Cold chain"), 40, None),
)
_optional_loaded = False


def register_public_section(key: str, title: str | Promise, provider: Callable[[Lot], Rows], *, order: int = 100) -> None:
    """Add a public block to every consumer page (registering the same key again replaces it).

    ``provider(lot)`` must be cheap (one or two indexed queries), return only public facts and no
    personal data, and return ``[]`` when it has nothing to show. Each row is a dict with ``label``,
    ``value`` (text or a date) and optionally ``link`` (or ``url``): a path on this site or an https
    address the public may open; other links are dropped. Other keys are ignored.
    """
    _SECTIONS[key] = PublicSection(key=key, title=title, provider=provider, order=order)


def register_public_warning(key: str, provider: Callable[[Lot], str | None]) -> None:
    """Add a warning banner source (a recall module, for instance): ``provider(lot)`` returns a message or None."""
    _WARNINGS[key] = provider


def _load_optional_sections() -> None:
    global _optional_loaded
    if _optional_loaded:
        return
    _optional_loaded = True
    for key, module_name, title, order, adapt in _OPTIONAL_SECTIONS:
        if key in _SECTIONS:
            continue
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        provider = getattr(module, "published_for_lot", None)
        if callable(provider):
            register_public_section(key, title, _adapted(provider, adapt) if adapt else provider, order=order)


def _adapted(provider: Callable[[Lot], Rows], adapt: Callable[[Rows], Rows]) -> Callable[[Lot], Rows]:
    return lambda lot: adapt(provider(lot))


def public_sections() -> list[PublicSection]:
    """The registered sections in page order."""
    _load_optional_sections()
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


# --- the view -------------------------------------------------------------------------------------

@dataclass
class LicenceInfo:
    number: str
    kind: str
    kind_label: str
    status: str  # valid, expired, suspended, revoked, cancelled
    status_label: str
    expires_on: date


@dataclass
class RouteStep:
    step: str  # the CBV business step (or "produced" for the lot's production)
    label: str
    time: datetime | date
    place: str | None  # district and street of the party
    ingredient: bool = False  # a step of an ingredient lot, before it went into this one


@dataclass
class ConsumerView:
    """Everything the consumer page shows, JSON-able through :meth:`as_json`."""

    trace_code: str
    lot_code: str
    gtin: str | None
    digital_link: str | None
    product: dict[str, Any]
    producer: dict[str, Any]
    licence: LicenceInfo | None
    production_date: date
    expiry_date: date | None
    expired: bool
    recalled: bool
    warnings: list[str]
    route: list[RouteStep]
    route_truncated: bool
    test_reports: list[dict[str, Any]]
    sections: list[dict[str, Any]] = field(default_factory=list)
    built_at: datetime = field(default_factory=timezone.now)  # when this page was put together (it may come from the cache)
    html: str | None = None  # the page's body, rendered once and cached with the view (not part of the JSON)

    def as_json(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, datetime):
                return timezone.localtime(value).isoformat(timespec="minutes")
            if isinstance(value, date):
                return value.isoformat()
            if isinstance(value, Promise):
                return str(value)
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list):
                return [plain(v) for v in value]
            return value

        out = plain(asdict(self))
        out.pop("html", None)
        return out  # type: ignore[no-any-return]


def _lots(code: Code) -> QuerySet[Lot]:
    if code.trace_code:
        return Lot.objects.filter(trace_code=code.trace_code)
    return Lot.objects.filter(product__gtin=code.gtin, lot_code=code.lot_code).order_by("id")


def find_lot(code: Code) -> Lot | None:
    """The lot a code names, with its product, category, producer and place (one indexed query).

    Two operators may list the same GTIN in their catalogues; then the earliest lot with the code wins.
    """
    return _lots(code).select_related("product__category", "product__owner__jurisdiction__parent").first()


def cache_seconds() -> int:
    """How long a consumer page is kept (``SHIAN_CONSUMER_CACHE_SECONDS``, default 60; 0 turns the cache off)."""
    return int(getattr(settings, "SHIAN_CONSUMER_CACHE_SECONDS", CACHE_SECONDS))


def _cache_key(lot_id: int, trace_code: str, language: str | None) -> str:
    # The random trace code makes the key unique to this lot even across databases (and test runs) sharing a cache.
    return f"shian:consumer:{lot_id}:{trace_code}:{language or ''}"


def consumer_view(code_or_link: str | Code, *, render: Callable[[ConsumerView], str] | None = None) -> ConsumerView | None:
    """The consumer page of the lot a code names, or None if no lot has it; :class:`Invalid` if the code is malformed.

    ``render(view)``, when given, fills ``view.html`` (the page's body in the active language). Pages are
    cached for :func:`cache_seconds` per lot and language, body included, as one cache entry: a scan
    then costs one small indexed query (which lot the code names) and one cache read. New events,
    licence changes and recalls show within that time; :func:`forget` drops a lot's page at once.
    """
    code = code_or_link if isinstance(code_or_link, Code) else parse_code(code_or_link)
    seconds = cache_seconds()
    if seconds <= 0:
        lot = find_lot(code)
        if lot is None:
            return None
        fresh = view_of(lot)
        if render is not None:
            fresh.html = render(fresh)
        return fresh
    found = list(_lots(code).values_list("pk", "trace_code")[:1])
    if not found:
        return None
    lot_id, trace_code = found[0]
    key = _cache_key(lot_id, trace_code, get_language())
    view: ConsumerView | None = cache.get(key)
    changed = view is None
    if view is None:
        lot = find_lot(Code(trace_code=trace_code))
        if lot is None:  # deleted in between
            return None
        view = view_of(lot)
    if render is not None and view.html is None:
        view.html = render(view)
        changed = True
    if changed:
        # Adding the body later keeps the entry's original expiry: a page is never older than the cache time.
        age = (timezone.now() - view.built_at).total_seconds()
        cache.set(key, view, max(1, int(seconds - age)))
    return view


def _page_key(code: Code, language: str | None) -> str:
    return f"shian:consumer:page:{code.path}:{language or ''}"


def cached_page(code: Code) -> str | None:
    """The whole rendered page of a code in the active language, if cached: a scan that hits it costs no query."""
    if cache_seconds() <= 0:
        return None
    return cache.get(_page_key(code, get_language()))  # type: ignore[no-any-return]


def cache_page(code: Code, html: str) -> None:
    """Keep the rendered page (it holds nothing of the visitor) for :func:`cache_seconds`."""
    seconds = cache_seconds()
    if seconds > 0:
        cache.set(_page_key(code, get_language()), html, seconds)


def forget(lot: Lot) -> None:
    """Drop a lot's cached consumer pages (every language, by trace code and by Digital Link), so that the next
    scan shows the present state."""
    codes = [Code(trace_code=lot.trace_code)]
    if lot.product.gtin:
        codes.append(Code(gtin=lot.product.gtin, lot_code=lot.lot_code))
    languages = [code for code, _name in settings.LANGUAGES]
    cache.delete_many([_cache_key(lot.pk, lot.trace_code, lang) for lang in languages]
                      + [_page_key(code, lang) for code in codes for lang in languages])


def place_of(jurisdiction: Jurisdiction | None) -> str | None:
    """District and street, as a consumer reads an address: "蓬江区 环市街道"."""
    if jurisdiction is None:
        return None
    parent = jurisdiction.parent if jurisdiction.parent_id else None
    if jurisdiction.level == Jurisdiction.Level.STREET and parent is not None:
        return f"{parent.name} {jurisdiction.name}"
    return jurisdiction.name


def _licence(operator: Operator, today: date) -> LicenceInfo | None:
    """The producer's most relevant licence: a current one first, production (SC) before business (JY), latest expiry."""
    licences = list(Licence.objects.filter(operator=operator).only("kind", "number", "status", "expires_on").order_by("-expires_on", "-id")[:10])
    if not licences:
        return None

    def status(lic: Licence) -> str:
        return "expired" if lic.status == Licence.Status.VALID and lic.expires_on < today else lic.status

    best = min(licences, key=lambda lic: (status(lic) != "valid", lic.kind != Licence.Kind.PRODUCTION, -lic.expires_on.toordinal()))
    state = status(best)
    label = _("Expired") if state == "expired" else Licence.Status(state).label
    return LicenceInfo(number=best.number, kind=best.kind, kind_label=str(Licence.Kind(best.kind).label), status=state,
                       status_label=str(label), expires_on=best.expires_on)


def _route_events(identifiers: Iterable[str], roles: Iterable[str], limit: int) -> list[EpcisEvent]:
    touching = EventIdentifier.objects.filter(identifier__in=sorted(identifiers), role__in=list(roles)).values("event_id")
    fields = ("id", "event_type", "event_time", "biz_step", "disposition", "document", "operator_id")
    return list(EpcisEvent.objects.filter(pk__in=touching).only(*fields).order_by("-event_time", "-id")[:limit])


def _party(doc: dict[str, Any], key: str, attr: str) -> str | None:
    entries = [e for e in doc.get(key) or () if isinstance(e, dict)]
    entries.sort(key=lambda e: e.get("type") != "owning_party")
    return str(entries[0].get(attr) or "") or None if entries else None


def _route(lot: Lot, producer_place: str | None) -> tuple[list[RouteStep], bool, bool]:
    """The lot's steps (its own events, then up to two levels of ingredients) with places; (steps, truncated, recalled)."""
    own = {lot.epc_class, f"{_LOT_URN}{lot.trace_code}"}
    seen: set[int] = set()
    picked: list[tuple[EpcisEvent, bool]] = []
    frontier, visited = set(own), set(own)
    truncated = recalled = False
    for level in range(ROUTE_LEVELS):
        if not frontier or len(picked) >= ROUTE_LIMIT:
            break
        events = _route_events(frontier, _LOT_ROLES, ROUTE_LIMIT - len(picked) + 1)
        if len(events) > ROUTE_LIMIT - len(picked):
            truncated = True
            events = events[: ROUTE_LIMIT - len(picked)]
        following: set[str] = set()
        for ev in events:
            if ev.pk in seen:
                continue
            seen.add(ev.pk)
            picked.append((ev, level > 0))
            doc = ev.document if isinstance(ev.document, dict) else {}
            if level == 0 and ev.disposition == "recalled":
                recalled = True
            outputs = {str(o) for o in doc.get("outputEPCList") or ()} | {str(q.get("epcClass")) for q in doc.get("outputQuantityList") or ()
                                                                       if isinstance(q, dict)}
            if outputs & frontier:
                following.update(str(i) for i in doc.get("inputEPCList") or ())
                following.update(str(q.get("epcClass")) for q in doc.get("inputQuantityList") or () if isinstance(q, dict))
        frontier = set(sorted(following - visited)[:ROUTE_FRONTIER])
        visited |= frontier
    places = _places(picked)
    produced = datetime.combine(lot.production_date, time.min, tzinfo=timezone.get_current_timezone())
    timed: list[tuple[datetime, int, RouteStep]] = [
        (produced, 0, RouteStep(step="produced", label=str(_("Produced")), time=lot.production_date, place=producer_place))]
    for ev, ingredient in picked:
        timed.append((ev.event_time, ev.pk, RouteStep(step=ev.biz_step, label=step_label(ev.biz_step, _("Recorded")), time=ev.event_time,
                                                      place=places.get(ev.pk), ingredient=ingredient)))
    timed.sort(key=lambda item: (item[0], item[1]))
    return [step for _when, _pk, step in timed], truncated, recalled


def _places(picked: list[tuple[EpcisEvent, bool]]) -> dict[int, str | None]:
    """Each event's place: the district and street of the party that handled the goods there (one query)."""
    party_of: dict[int, str | None] = {}
    for ev, _ingredient in picked:
        doc = ev.document if isinstance(ev.document, dict) else {}
        step = ev.biz_step
        source, destination = _party(doc, "sourceList", "source"), _party(doc, "destinationList", "destination")
        uri = source if step == "shipping" else destination if step == "receiving" else None
        party_of[ev.pk] = uscc_of(uri) if uri else None
    usccs = {u for u in party_of.values() if u}
    recorders = {ev.operator_id for ev, _i in picked if ev.operator_id is not None}
    if not usccs and not recorders:
        return {}
    operators = list(Operator.objects.filter(Q(uscc__in=sorted(usccs)) | Q(pk__in=sorted(recorders)))
                     .select_related("jurisdiction__parent").only("id", "uscc", "jurisdiction__name", "jurisdiction__level",
                                                                  "jurisdiction__parent__name", "jurisdiction__parent_id"))
    by_uscc = {op.uscc: op for op in operators}
    by_id = {op.pk: op for op in operators}
    out: dict[int, str | None] = {}
    for ev, _ingredient in picked:
        uscc = party_of.get(ev.pk)
        op = by_uscc.get(uscc) if uscc else by_id.get(ev.operator_id) if ev.operator_id is not None else None
        out[ev.pk] = place_of(op.jurisdiction) if op is not None else None
    return out


def _sections(lot: Lot) -> list[dict[str, Any]]:
    out = []
    for section in public_sections():
        try:
            rows = section.provider(lot)
        except Exception:  # a broken module must not take the consumer page down; it is logged
            logger.exception("public section %s failed for lot %s", section.key, lot.pk)
            continue
        if rows:
            out.append({"key": section.key, "title": str(section.title),
                        "rows": [{"label": _text(r.get("label")), "value": _text(r.get("value")), "link": _safe_link(r.get("link") or r.get("url"))}
                                 for r in rows]})
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _safe_link(link: Any) -> str | None:
    """A section's link if it is a page of this site or an https address (never ``javascript:`` and the like)."""
    text = str(link or "")
    if (text.startswith("/") and not text.startswith("//")) or text.startswith("https://"):
        return text
    return None


def view_of(lot: Lot) -> ConsumerView:
    """The consumer page of one lot (loaded by :func:`find_lot`, with its product, producer and place)."""
    today = timezone.localdate()
    product = lot.product
    producer = product.owner
    producer_place = place_of(producer.jurisdiction)
    licence = _licence(producer, today)
    route, truncated, recalled = _route(lot, producer_place)
    reports = [{"title": doc.original_name.rsplit(".", 1)[0] or str(doc.get_kind_display()), "issued_on": doc.issued_on,
                "valid_until": doc.valid_until}
               for doc in Document.objects.filter(lot=lot, kind=Document.Kind.TEST_REPORT).only("original_name", "kind", "issued_on", "valid_until")
               .order_by("-issued_on", "-id")[:10]]
    expired = lot.expiry_date is not None and lot.expiry_date < today
    warnings = []
    if recalled:
        warnings.append(_("This lot has been recalled. Do not eat it; return it to the shop or contact the producer."))
    if expired:
        warnings.append(_("This lot is past its expiry date. Do not eat it."))
    if licence is None or licence.status != "valid":
        warnings.append(_("The producer has no valid licence on record."))
    for key, provider in _WARNINGS.items():
        try:
            message = provider(lot)
        except Exception:
            logger.exception("public warning %s failed for lot %s", key, lot.pk)
            continue
        if message:
            warnings.append(str(message))
    return ConsumerView(
        trace_code=lot.trace_code, lot_code=lot.lot_code, gtin=product.gtin, digital_link=lot.digital_link,
        product={"name": product.name, "specification": product.specification, "category": product.category.name, "imported": product.imported},
        producer={"name": producer.name, "place": producer_place},
        licence=licence, production_date=lot.production_date, expiry_date=lot.expiry_date, expired=expired, recalled=recalled,
        warnings=[str(w) for w in warnings], route=route, route_truncated=truncated, test_reports=reports, sections=_sections(lot),
    )
