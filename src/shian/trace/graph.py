"""Trace back and forward over the EPCIS edge table (:class:`shian.epcis.models.EventIdentifier`).

The graph's nodes are identifiers (a lot's EPC class: its GS1 Digital Link or
``urn:shian:lot:<trace code>``, or any identifier another system captured); its edges are events.
Events the platform records for its own trade (:mod:`shian.trace.epcis_events`) and events
captured from other systems are followed alike.

* **forward** from X: every event naming X as an object (shipping, receiving, any observation:
  who received it, when, how much) or as an input; the outputs of a TransformationEvent that
  consumed X are the next level.
* **back** from X: every event naming X as an object or as an output; the inputs of a
  TransformationEvent that produced X are the next level.

The walk is a bounded breadth-first search: one query per level (the events touching the level's
identifiers in the direction's roles, through the edge-table index), at most ``max_depth + 1``
levels, each identifier and event visited once. The same SQL runs on SQLite and PostgreSQL.
Identifiers, quantities and parties of an event are read from its stored document, from which
the edge table is derived.

Names are shown only where the principal may see them: a lot the principal may not see is its
identifier alone; a party the principal may not see is its ``urn:shian:operator:<USCC>`` alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from django.db.models import Q

from shian.core import access
from shian.core.access import Principal
from shian.epcis.models import EpcisEvent, EventIdentifier
from shian.registry.models import Operator
from shian.trace import selectors
from shian.trace.epcis_events import uscc_of
from shian.trace.identifiers import DIGITAL_LINK_BASE
from shian.trace.models import Lot, Product

FORWARD = "forward"
BACK = "back"
ROLES = {FORWARD: ("object", "input"), BACK: ("object", "output")}
MAX_DEPTH = 20
_LOT_URN = "urn:shian:lot:"
_DL_PREFIX = f"{DIGITAL_LINK_BASE}/01/"
_EVENT_FIELDS = ("id", "event_id", "event_type", "event_time", "biz_step", "disposition", "read_point", "biz_location", "document", "operator_id")


def _items(doc: dict[str, Any], epcs: str, quantities: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"identifier": epc, "quantity": None, "uom": ""} for epc in doc.get(epcs) or ()]
    out += [{"identifier": q["epcClass"], "quantity": q.get("quantity"), "uom": q.get("uom", "")} for q in doc.get(quantities) or ()]
    return out


def _party(doc: dict[str, Any], key: str, attr: str) -> str | None:
    entries = [e for e in doc.get(key) or () if isinstance(e, dict)]
    entries.sort(key=lambda e: e.get("type") != "owning_party")  # the owner first, then possessor or location
    return entries[0][attr] if entries else None


@dataclass
class _Walk:
    nodes: dict[str, int] = field(default_factory=dict)  # identifier -> depth
    edges: dict[int, dict[str, Any]] = field(default_factory=dict)  # event pk -> edge
    operator_ids: set[int] = field(default_factory=set)


def _walk(start: str, direction: str, *, since: datetime | None, until: datetime | None, max_depth: int) -> _Walk:
    roles = ROLES[direction]
    walk = _Walk(nodes={start: 0})
    frontier = {start}
    depth = 0
    while frontier:
        touching = EventIdentifier.objects.filter(identifier__in=sorted(frontier), role__in=roles).values("event_id")
        qs = EpcisEvent.objects.filter(pk__in=touching)
        if since is not None:
            qs = qs.filter(event_time__gte=since)
        if until is not None:
            qs = qs.filter(event_time__lt=until)
        following: set[str] = set()
        for ev in qs.only(*_EVENT_FIELDS).order_by("event_time", "id"):
            doc = ev.document if isinstance(ev.document, dict) else {}
            objects = _items(doc, "epcList", "quantityList")
            inputs = _items(doc, "inputEPCList", "inputQuantityList")
            outputs = _items(doc, "outputEPCList", "outputQuantityList")
            edge = walk.edges.get(ev.pk)
            if edge is None:
                edge = walk.edges[ev.pk] = {
                    "event_id": ev.event_id, "event_type": ev.event_type, "biz_step": ev.biz_step, "disposition": ev.disposition,
                    "time": ev.event_time, "place": ev.biz_location or ev.read_point or None,
                    "source": _party(doc, "sourceList", "source"), "destination": _party(doc, "destinationList", "destination"),
                    "operator_id": ev.operator_id, "lots": [], "inputs": inputs, "outputs": outputs,
                    "transactions": [{"type": t.get("type", ""), "id": t["bizTransaction"]}
                                     for t in doc.get("bizTransactionList") or () if isinstance(t, dict) and "bizTransaction" in t],
                }
                if ev.operator_id is not None:
                    walk.operator_ids.add(ev.operator_id)
            traced = {item["identifier"] for item in edge["lots"]}
            edge["lots"] += [item for item in objects if item["identifier"] in frontier and item["identifier"] not in traced]
            if depth >= max_depth:
                continue
            if direction == FORWARD and frontier & {i["identifier"] for i in inputs}:
                following.update(i["identifier"] for i in outputs)
            elif direction == BACK and frontier & {o["identifier"] for o in outputs}:
                following.update(i["identifier"] for i in inputs)
        frontier = {i for i in following if i not in walk.nodes}
        depth += 1
        for identifier in frontier:
            walk.nodes[identifier] = depth
    return walk


# --- names, as far as the principal may see them ------------------------------------------------

def _lot_keys(identifiers: Iterable[str]) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    by_code: dict[str, str] = {}
    by_gtin: dict[tuple[str, str], str] = {}
    for identifier in identifiers:
        if identifier.startswith(_LOT_URN):
            by_code[identifier[len(_LOT_URN):]] = identifier
        elif identifier.startswith(_DL_PREFIX):
            parts = identifier[len(_DL_PREFIX):].split("/")
            if len(parts) == 3 and parts[1] == "10":
                by_gtin[(parts[0], unquote(parts[2]))] = identifier
    return by_code, by_gtin


def _lots(principal: Principal, identifiers: Iterable[str]) -> dict[str, Lot]:
    """The platform lots behind the identifiers that the principal may see (two queries)."""
    by_code, by_gtin = _lot_keys(identifiers)
    if not by_code and not by_gtin:
        return {}
    # Separate indexed look-ups: one OR across trace codes and (GTIN, lot code) pairs became a full scan.
    found = list(Lot.objects.filter(trace_code__in=list(by_code)).select_related("product__owner")) if by_code else []
    if by_gtin:
        products = dict(Product.objects.filter(gtin__in=sorted({g for g, _c in by_gtin})).values_list("pk", "gtin"))
        match = Q(pk__in=[])
        for product_id, gtin in products.items():
            codes = [c for g, c in by_gtin if g == gtin]
            match |= Q(product_id=product_id, lot_code__in=codes)
        if products:
            found += list(Lot.objects.filter(match).select_related("product__owner"))
    visible = set(selectors.lots_visible(principal).filter(pk__in=[lot.pk for lot in found]).values_list("pk", flat=True))
    out: dict[str, Lot] = {}
    for lot in found:
        if lot.pk in visible:
            out[lot.epc_class] = lot
    return out


def _operators(principal: Principal, usccs: set[str], ids: set[int]) -> tuple[dict[str, Operator], dict[int, Operator]]:
    """The operators named by USCC or id that the principal may see: in its view for trace records
    and, for an operator's organisation, its direct trading partners."""
    if not usccs and not ids:
        return {}, {}
    found = list(Operator.objects.filter(Q(uscc__in=sorted(usccs)) | Q(pk__in=sorted(ids))))
    pks = [op.pk for op in found]
    visible = set(access.restrict(Operator.objects.filter(pk__in=pks), principal, selectors.RESOURCE, "view").values_list("pk", flat=True))
    if access.scope_for(principal, selectors.RESOURCE, "view") == "own":
        mine = selectors.receipts_visible(principal).filter(Q(buyer_id__in=pks) | Q(supplier_id__in=pks))
        for buyer_id, supplier_id in mine.values_list("buyer_id", "supplier_id"):
            visible.update({buyer_id, supplier_id})
    shown = [op for op in found if op.pk in visible]
    return {op.uscc: op for op in shown}, {op.pk: op for op in shown}


def _node(identifier: str, depth: int, lot: Lot | None) -> dict[str, Any]:
    node: dict[str, Any] = {"identifier": identifier, "depth": depth, "lot_id": None, "lot_code": None, "trace_code": None,
                            "product": None, "owner": None, "owner_id": None}
    if lot is not None:
        node.update(lot_id=lot.pk, lot_code=lot.lot_code, trace_code=lot.trace_code, product=lot.product.name, owner=lot.product.owner.name,
                    owner_id=lot.product.owner_id)
    return node


def _party_out(uri: str | None, by_uscc: dict[str, Operator]) -> dict[str, Any] | None:
    if uri is None:
        return None
    uscc = uscc_of(uri)
    op = by_uscc.get(uscc) if uscc else None
    return {"id": uri, "name": op.name if op else None, "operator_id": op.pk if op else None}


def _result(principal: Principal, walk: _Walk) -> dict[str, Any]:
    lots = _lots(principal, walk.nodes)
    parties = {uscc for e in walk.edges.values() for uri in (e["source"], e["destination"]) if uri for uscc in [uscc_of(uri)] if uscc}
    by_uscc, by_id = _operators(principal, parties, walk.operator_ids)
    nodes = [_node(identifier, depth, lots.get(identifier)) for identifier, depth in walk.nodes.items()]
    edges = []
    for _pk, e in sorted(walk.edges.items(), key=lambda item: (item[1]["time"], item[0])):
        recorder_id = e.pop("operator_id")
        recorder = by_id.get(recorder_id) if recorder_id is not None else None
        edges.append({**e, "source": _party_out(e["source"], by_uscc), "destination": _party_out(e["destination"], by_uscc),
                      "recorded_for": recorder.name if recorder else None})
    return {"nodes": nodes, "edges": edges}


def _trace(epc_class: str, direction: str, *, principal: Principal | None, since: datetime | None, until: datetime | None,
           max_depth: int) -> dict[str, Any]:
    principal = access.require(principal, selectors.RESOURCE, "view")
    depth = max(0, min(max_depth, MAX_DEPTH))
    walk = _walk(epc_class, direction, since=since, until=until, max_depth=depth)
    if access.scope_for(principal, selectors.RESOURCE, "view") == "own":
        _keep_own_trade(walk, principal, epc_class)
    return _result(principal, walk)


def _keep_own_trade(walk: _Walk, principal: Principal, start: str) -> None:
    """An operator sees only steps it took part in (recorded, shipped or received): its own trade
    and its direct partners' records with it, never its partners' other trade (issue 3, point 11).
    Regulators see the whole walk."""
    own = list(Operator.objects.filter(owner_org_id=principal.organisation_id).values_list("pk", "uscc"))
    ids = {pk for pk, _uscc in own}
    parties = {f"urn:shian:operator:{uscc}" for _pk, uscc in own}
    walk.edges = {pk: e for pk, e in walk.edges.items()
                  if e["operator_id"] in ids or e["source"] in parties or e["destination"] in parties}
    reached = {start} | {i["identifier"] for e in walk.edges.values() for key in ("lots", "inputs", "outputs") for i in e[key]}
    walk.nodes = {k: d for k, d in walk.nodes.items() if k in reached}
    walk.operator_ids = {e["operator_id"] for e in walk.edges.values() if e["operator_id"] is not None}


def trace_forward(epc_class: str, *, principal: Principal | None, since: datetime | None = None, until: datetime | None = None,
                  max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """Everything downstream of an identifier: ``{"nodes": [...], "edges": [...]}`` (edges in time order)."""
    return _trace(epc_class, FORWARD, principal=principal, since=since, until=until, max_depth=max_depth)


def trace_back(epc_class: str, *, principal: Principal | None, since: datetime | None = None, until: datetime | None = None,
               max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """Everything upstream of an identifier: ``{"nodes": [...], "edges": [...]}`` (edges in time order)."""
    return _trace(epc_class, BACK, principal=principal, since=since, until=until, max_depth=max_depth)


def lot_trace(principal: Principal | None, lot_id: int, direction: str = "both") -> tuple[Lot, dict[str, Any] | None, dict[str, Any] | None]:
    """A lot the principal may see (404 otherwise) with its trace back and/or forward."""
    lot = selectors.lot_for(principal, lot_id)
    assert principal is not None
    back = trace_back(lot.epc_class, principal=principal) if direction in (BACK, "both") else None
    forward = trace_forward(lot.epc_class, principal=principal) if direction in (FORWARD, "both") else None
    return lot, back, forward

