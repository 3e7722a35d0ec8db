"""Recall scope (召回范围): from one or more lots, everything affected downstream, with quantities.

The scope is the union of the lots' forward traces (:func:`shian.trace.graph.trace_forward`):
shipments, receipts and transformations, the platform's own and those captured from other
systems, optionally limited to a time window. It is read with the principal's rights: a regulator
sees the names in its jurisdiction, an operator only the steps it took part in.

Three views of the same result, for the recall and disposal modules and for regulators:

* ``lots``: every affected lot (the starting lots at depth 0, lots made from them deeper);
* ``holders``: who received how much of which affected lot (receiving events), and what is still
  in transit (shipped, no receiving recorded for that shipment yet);
* ``rows``: one row per traceability event and lot with its key data elements, the sortable
  spreadsheet regulators hand over (step, date and time, lot, product, quantity and unit, from,
  to, place, reference documents, event ID) — :func:`rows_xlsx` writes it as Excel.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import access
from shian.core.access import Principal
from shian.core.errors import Invalid
from shian.core.exports import workbook_bytes
from shian.trace import graph, selectors
from shian.trace.models import Lot
from shian.trace.steps import step_label

MAX_LOTS = 50
_HOLDING_STEPS = {"receiving": "received", "shipping": "shipped"}


def _party_name(party: dict[str, Any] | None) -> str:
    if not party:
        return ""
    return str(party.get("name") or party.get("id") or "")


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _merge(into: dict[str, Any], result: dict[str, Any]) -> None:
    for node in result["nodes"]:
        known = into["nodes"].get(node["identifier"])
        if known is None or node["depth"] < known["depth"]:
            into["nodes"][node["identifier"]] = node
    for edge in result["edges"]:
        known = into["edges"].get(edge["event_id"])
        if known is None:
            into["edges"][edge["event_id"]] = edge
        else:  # the same event reached from two starting lots: keep every lot it moved
            seen = {i["identifier"] for i in known["lots"]}
            known["lots"] += [i for i in edge["lots"] if i["identifier"] not in seen]


def _holders(edges: list[dict[str, Any]], nodes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Quantities received by each party of each affected lot, and quantities shipped with no receipt yet."""
    received_shipments = {t["id"] for e in edges if e["biz_step"] == "receiving" for t in e.get("transactions", ()) if t["type"] == "desadv"}
    table: dict[tuple[str, str, str], dict[str, Any]] = {}
    for e in edges:
        state = _HOLDING_STEPS.get(e["biz_step"])
        if state is None or e["destination"] is None:
            continue
        if state == "shipped" and any(t["type"] == "desadv" and t["id"] in received_shipments for t in e.get("transactions", ())):
            continue  # the receiving event counts it
        for item in e["lots"]:
            key = (e["destination"]["id"], item["identifier"], item["uom"])
            row = table.get(key)
            if row is None:
                node = nodes.get(item["identifier"], {})
                row = table[key] = {"party": e["destination"], "identifier": item["identifier"], "lot_id": node.get("lot_id"),
                                    "lot_code": node.get("lot_code"), "product": node.get("product"), "uom": item["uom"],
                                    "received": Decimal(0), "in_transit": Decimal(0), "last_time": e["time"]}
            qty = _number(item["quantity"]) or Decimal(0)
            row["received" if state == "received" else "in_transit"] += qty
            row["last_time"] = max(row["last_time"], e["time"])
    return sorted(table.values(), key=lambda r: (_party_name(r["party"]), r["identifier"]))


def _rows(edges: list[dict[str, Any]], nodes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per event and lot (object, input or output) with its key data elements."""
    rows = []
    for e in edges:
        items = [("object", i) for i in e["lots"]] + [("input", i) for i in e["inputs"]] + [("output", i) for i in e["outputs"]]
        for role, item in items:
            node = nodes.get(item["identifier"], {})
            rows.append({
                "event_id": e["event_id"], "step": e["biz_step"] or e["event_type"], "time": e["time"], "role": role,
                "identifier": item["identifier"], "lot_code": node.get("lot_code") or "", "trace_code": node.get("trace_code") or "",
                "product": node.get("product") or "", "quantity": _number(item["quantity"]), "uom": item["uom"],
                "source": _party_name(e["source"]), "destination": _party_name(e["destination"]),
                "recorded_for": e.get("recorded_for") or "", "place": e["place"] or "",
                "documents": "; ".join(f"{t['type']}:{t['id']}" for t in e.get("transactions", ())),
            })
    return rows


def recall_scope(lot_ids: Sequence[int], *, principal: Principal | None, since: datetime | None = None,
                 until: datetime | None = None) -> dict[str, Any]:
    """Everything downstream of the lots (which the principal must be able to see; 404 otherwise).

    Returns ``{"lots": [...start lots...], "affected": [...nodes...], "holders": [...], "rows": [...],
    "edges": [...]}``, edges and rows in time order.
    """
    principal = access.require(principal, selectors.RESOURCE, "view")
    ids = list(dict.fromkeys(lot_ids))
    if not ids:
        raise Invalid(_("Name at least one lot."), code="lots_required", field="lots")
    if len(ids) > MAX_LOTS:
        raise Invalid(_("At most %(n)s lots at a time.") % {"n": MAX_LOTS}, code="too_many_lots", field="lots")
    if since is not None and until is not None and until <= since:
        raise Invalid(_("The end of the period must be after its start."), code="period_invalid", field="until")
    lots: dict[int, Lot] = selectors.lots_by_id(principal, ids)
    merged: dict[str, Any] = {"nodes": {}, "edges": {}}
    for lot_id in ids:
        _merge(merged, graph.trace_forward(lots[lot_id].epc_class, principal=principal, since=since, until=until))
    nodes: dict[str, dict[str, Any]] = merged["nodes"]
    edges = sorted(merged["edges"].values(), key=lambda e: e["time"])  # stable: keeps the walk's (time, stored order)
    return {
        "lots": [lots[i] for i in ids],
        "affected": sorted(nodes.values(), key=lambda n: (n["depth"], n["identifier"])),
        "holders": _holders(edges, nodes),
        "rows": _rows(edges, nodes),
        "edges": edges,
    }


def rows_xlsx(scope: dict[str, Any]) -> bytes:
    """The scope's event rows as an Excel workbook (one row per traceability event and lot)."""
    header = [_("Step"), _("Date and time"), _("Role"), _("Lot code"), _("Trace code"), _("Identifier"), _("Product"), _("Quantity"),
              _("Unit"), _("From"), _("To"), _("Recorded for"), _("Place"), _("Reference documents"), _("Event ID")]
    rows = ([step_label(r["step"]), timezone.localtime(r["time"]).replace(tzinfo=None), role_label(r["role"]), r["lot_code"],
             r["trace_code"], r["identifier"], r["product"], r["quantity"], r["uom"], r["source"], r["destination"], r["recorded_for"],
             r["place"], r["documents"], r["event_id"]] for r in scope["rows"])
    return workbook_bytes(_("Recall scope"), header, rows)


def role_label(role: str) -> str:
    return {"object": _("goods moved"), "input": _("input"), "output": _("output")}.get(role, role)
