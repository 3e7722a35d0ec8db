"""The standard's query parameters (EPCIS 2.0 §8.2.7.1, REST binding ``GET /events``) as filters.

Lists: the binding writes several values pipe-delimited (``EQ_bizStep=shipping|receiving``); a
comma separates values too, and a parameter may be repeated. (So a value that itself contains
``|`` or ``,`` cannot be asked for; EPC URIs and CBV values do not.) Values of one parameter are
alternatives; different parameters must all hold. An unknown parameter, a bad time or action,
or a bad page token is a ``QueryParameterException``: 400 in the platform's error shape.

EPC matching: a value is an exact URI, or an EPC pattern with trailing ``*`` fields
(``urn:epc:idpat:sgtin:0614141.107346.*``), which matches the instance EPCs under it
(``urn:epc:id:sgtin:0614141.107346.…``), the lot classes of an SGTIN pattern
(``urn:epc:class:lgtin:0614141.107346.…``) and the pattern written as a class itself.

Paging is by keyset on ``(record_time, id)``: ``nextPageToken`` is the last row's position and
a digest of the other parameters, signed with ``SECRET_KEY`` (``django.core.signing``), so a
token cannot be forged, edited or reused with other filters.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from shian.core.errors import Invalid
from shian.epcis import rules, vocab
from shian.epcis.formats import parse_time
from shian.epcis.models import EpcisEvent, EventIdentifier, EventTransaction, SourceDest, event_id_q

_EPC = EventIdentifier.Kind.EPC
_CLASS = EventIdentifier.Kind.EPC_CLASS
_R = EventIdentifier.Role
# parameter -> (identifier kind, roles or None for any role)
MATCH: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "MATCH_epc": (_EPC, (_R.OBJECT, _R.CHILD)),
    "MATCH_parentID": (_EPC, (_R.PARENT,)),
    "MATCH_inputEPC": (_EPC, (_R.INPUT,)),
    "MATCH_outputEPC": (_EPC, (_R.OUTPUT,)),
    "MATCH_anyEPC": (_EPC, None),
    "MATCH_epcClass": (_CLASS, (_R.OBJECT, _R.CHILD)),
    "MATCH_inputEPCClass": (_CLASS, (_R.INPUT,)),
    "MATCH_outputEPCClass": (_CLASS, (_R.OUTPUT,)),
    "MATCH_anyEPCClass": (_CLASS, None),
}
TIMES = {"GE_eventTime": "event_time__gte", "LT_eventTime": "event_time__lt", "GE_recordTime": "record_time__gte",
         "LT_recordTime": "record_time__lt"}
EQUALS = {"eventType": "event_type", "EQ_action": "action", "EQ_bizStep": "biz_step", "EQ_disposition": "disposition",
          "EQ_readPoint": "read_point", "EQ_bizLocation": "biz_location", "EQ_eventID": "event_id", "eventID": "event_id"}  # event_id: event_id_q
PAGING = ("perPage", "nextPageToken")
_PREFIXED = ("EQ_bizTransaction_", "EQ_source_", "EQ_destination_")
_CBV_WORD_PREFIXES = {
    "biz_step": ("urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-", "https://gs1.org/voc/Bizstep-"),
    "disposition": ("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-", "https://gs1.org/voc/Disposition-"),
}
_SIGNER_SALT = "shian.epcis.page"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _bad(param: str, message: str) -> Invalid:
    return Invalid(message, code="query_parameter", field=param)


def _values(raw: list[str]) -> list[str]:
    out: list[str] = []
    for item in raw:
        out.extend(v.strip() for v in item.replace("|", ",").split(",") if v.strip())
    return out


def _cbv_word(column: str, value: str) -> str:
    """``urn:epcglobal:cbv:bizstep:shipping`` and the Web URI forms ask for the stored bare word."""
    for prefix in _CBV_WORD_PREFIXES.get(column, ()):
        if value.startswith(prefix):
            return value[len(prefix):]
    return value


def _identifier_q(param: str, values: list[str]) -> Q:
    exact: list[str] = []
    q = Q()
    for v in values:
        exact.append(v)
        if "*" not in v:
            continue
        head, sep, fields = v.rpartition(":")
        parts = fields.split(".")
        fixed = [p for p in parts if p != "*"]
        if not head.startswith("urn:epc:idpat:") or not sep or parts[: len(fixed)] != fixed or "*" in "".join(fixed):
            raise _bad(param, _("%(v)s is not an EPC pattern (only trailing * fields are supported)") % {"v": v})
        scheme = head[len("urn:epc:idpat:"):]
        stem = ".".join(fixed) + ("." if fixed else "")
        q |= Q(identifier__startswith=f"urn:epc:id:{scheme}:{stem}")
        if scheme == "sgtin" and len(fixed) >= 2:
            q |= Q(identifier__startswith=f"urn:epc:class:lgtin:{stem}")
    return Q(identifier__in=exact) | q


@dataclass
class EventQuery:
    """Parsed query parameters."""

    filters: list[Q] = field(default_factory=list)
    per_page: int = rules.PER_PAGE_DEFAULT
    after: tuple[datetime, int] | None = None
    digest: str = ""


def parse(params: dict[str, list[str]]) -> EventQuery:
    """Turn query-string parameters (name -> every value given) into filters; 400 on anything unknown or bad."""
    query = EventQuery()
    identity = []
    for name in sorted(params):
        raw = params[name]
        if name in PAGING:
            continue
        identity.append(f"{name}={'|'.join(raw)}")
        values = _values(raw)
        if not values:
            raise _bad(name, _("%(p)s needs a value") % {"p": name})
        if name in TIMES:
            if len(values) != 1 or (when := parse_time(values[0])) is None:
                raise _bad(name, _("%(p)s must be one date-time such as 2024-05-01T00:00:00+08:00") % {"p": name})
            query.filters.append(Q(**{TIMES[name]: when}))
        elif name in EQUALS:
            column = EQUALS[name]
            if column == "action" and not set(values) <= vocab.ACTIONS:
                raise _bad(name, _("EQ_action takes ADD, OBSERVE or DELETE"))
            query.filters.append(event_id_q(values) if column == "event_id" else Q(**{f"{column}__in": [_cbv_word(column, v) for v in values]}))
        elif name in MATCH:
            kind, roles = MATCH[name]
            edges = EventIdentifier.objects.filter(_identifier_q(name, values), kind=kind)
            if roles is not None:
                edges = edges.filter(role__in=roles)
            query.filters.append(Q(pk__in=edges.values("event_id")))
        elif name.startswith(_PREFIXED) and name.split("_", 2)[2]:
            _eq, what, type_ = name.split("_", 2)
            if what == "bizTransaction":
                query.filters.append(Q(pk__in=EventTransaction.objects.filter(type=type_, value__in=values).values("event_id")))
            else:
                query.filters.append(Q(pk__in=SourceDest.objects.filter(kind=what, type=type_, value__in=values).values("event_id")))
        else:
            raise _bad(name, _("Unknown query parameter %(p)s.") % {"p": name})
    query.digest = hashlib.sha256("&".join(identity).encode()).hexdigest()[:16]
    per_page = params.get("perPage")
    if per_page:
        try:
            query.per_page = int(per_page[-1])
        except ValueError:
            raise _bad("perPage", _("perPage must be a whole number")) from None
        if not 1 <= query.per_page <= rules.PER_PAGE_MAX:
            raise _bad("perPage", _("perPage must be between 1 and %(n)s") % {"n": rules.PER_PAGE_MAX})
    token = params.get("nextPageToken")
    if token:
        query.after = read_token(token[-1], query.digest)
    return query


def make_token(last: EpcisEvent, digest: str) -> str:
    stamp = (last.record_time - _EPOCH) // timedelta(microseconds=1)
    return signing.dumps([stamp, last.pk, digest], salt=_SIGNER_SALT, compress=False)


def read_token(token: str, digest: str) -> tuple[datetime, int]:
    try:
        stamp, pk, token_digest = signing.loads(token, salt=_SIGNER_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise _bad("nextPageToken", _("The page token is invalid or was altered.")) from None
    if token_digest != digest:
        raise _bad("nextPageToken", _("The page token belongs to a query with other parameters."))
    try:
        return _EPOCH + timedelta(microseconds=int(stamp)), int(pk)
    except (OverflowError, ValueError, TypeError):
        raise _bad("nextPageToken", _("The page token is invalid or was altered.")) from None


def run(qs: QuerySet[EpcisEvent], query: EventQuery) -> tuple[list[EpcisEvent], str | None]:
    """One page of events in ``(record_time, id)`` order and the next page's token (or ``None``)."""
    for f in query.filters:
        qs = qs.filter(f)
    if query.after is not None:
        when, pk = query.after
        qs = qs.filter(Q(record_time__gt=when) | Q(record_time=when, pk__gt=pk))
    rows = list(qs.order_by("record_time", "id")[: query.per_page + 1])
    if len(rows) > query.per_page:
        rows = rows[: query.per_page]
        return rows, make_token(rows[-1], query.digest)
    return rows, None
