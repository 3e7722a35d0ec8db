"""The graph view of a lot's trace: who passed the goods to whom, drawn as a server-rendered SVG.

Pure layout over the results of :func:`shian.trace.graph.trace_back` / ``trace_forward`` (already
limited to what the principal may see): a node per party (operator or outside party), an arrow
per movement from source to destination labelled with the lot, quantity and date, and the
transformations a party made listed in its node. The lot's owner stands in column 0; upstream
parties to the left, downstream parties to the right, each in the column of its first reach.
No JavaScript: the template draws the returned boxes and lines.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from shian.trace.steps import step_label

COL_WIDTH = 230
ROW_HEIGHT = 78
NODE_WIDTH = 180
NODE_HEIGHT = 48
MARGIN = 16
MAX_NODES = 60
_PARTY_URN = "urn:shian:operator:"


@dataclass
class Node:
    key: str
    name: str
    col: int = 0
    row: int = 0
    notes: list[str] = field(default_factory=list)
    start: bool = False
    x: int = 0
    y: int = 0

    def place(self, min_col: int) -> None:
        self.x = MARGIN + (self.col - min_col) * COL_WIDTH
        self.y = MARGIN + self.row * ROW_HEIGHT


@dataclass
class Arrow:
    source: str
    target: str
    labels: list[str]


def _name(party: dict[str, Any]) -> str:
    if party.get("name"):
        return str(party["name"])
    ident = str(party.get("id") or "")
    return ident[len(_PARTY_URN):] if ident.startswith(_PARTY_URN) else ident


def _short(text: str, limit: int = 14) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lot_label(identifier: str, nodes: dict[str, dict[str, Any]]) -> str:
    node = nodes.get(identifier) or {}
    return str(node.get("lot_code") or identifier.rsplit(":", 1)[-1].rsplit("/", 1)[-1])


def _moves(edges: list[dict[str, Any]], nodes: dict[str, dict[str, Any]]) -> dict[tuple[str, str], list[str]]:
    """(source key, destination key) → labels; a shipment already received is drawn once, by its receipt."""
    received = {t["id"] for e in edges if e["biz_step"] == "receiving" for t in e.get("transactions", ()) if t["type"] == "desadv"}
    out: dict[tuple[str, str], list[str]] = {}
    for e in edges:
        if not e["source"] or not e["destination"]:
            continue
        if e["biz_step"] == "shipping" and any(t["type"] == "desadv" and t["id"] in received for t in e.get("transactions", ())):
            continue
        day = timezone.localtime(e["time"]).strftime("%m-%d")
        for item in e["lots"]:
            qty = "" if item["quantity"] is None else f" ×{item['quantity']:g}{item['uom'] and ' ' + item['uom']}"
            out.setdefault((e["source"]["id"], e["destination"]["id"]), []).append(f"{day} {_lot_label(item['identifier'], nodes)}{qty}")
    return out


def layout(lot_owner: dict[str, Any], back: dict[str, Any] | None, forward: dict[str, Any] | None) -> dict[str, Any]:
    """Boxes and arrows for the template: ``{"nodes", "arrows", "width", "height", "truncated"}``.

    ``lot_owner`` is ``{"id": party URI, "name": ...}`` of the traced lot's owner.
    """
    edges = {e["event_id"]: e for result in (back, forward) if result for e in result["edges"]}
    ordered = sorted(edges.values(), key=lambda e: (e["time"], e["event_id"]))
    lots = {n["identifier"]: n for result in (back, forward) if result for n in result["nodes"]}
    parties: dict[str, Node] = {lot_owner["id"]: Node(lot_owner["id"], _name(lot_owner), start=True)}
    for e in ordered:
        for party in (e["source"], e["destination"]):
            if party and party["id"] not in parties:
                parties[party["id"]] = Node(party["id"], _name(party))
        if e["inputs"] and e["outputs"] and e["source"]:
            ins = ", ".join(_lot_label(i["identifier"], lots) for i in e["inputs"])
            outs = ", ".join(_lot_label(o["identifier"], lots) for o in e["outputs"])
            parties[e["source"]["id"]].notes.append(f"{step_label(e['biz_step'], e['event_type'])}: {ins} → {outs}")
    moves = _moves(ordered, lots)
    _columns(parties, moves, lot_owner["id"])
    truncated = len(parties) > MAX_NODES
    shown = dict(list(parties.items())[:MAX_NODES])
    rows: dict[int, int] = {}
    for node in sorted(shown.values(), key=lambda n: (n.col, not n.start, n.name)):
        node.row = rows.get(node.col, 0)
        rows[node.col] = node.row + 1
    min_col = min(n.col for n in shown.values())
    max_col = max(n.col for n in shown.values())
    for node in shown.values():
        node.place(min_col)
    arrows = [_arrow(shown[a], shown[b], labels) for (a, b), labels in moves.items() if a in shown and b in shown and a != b]
    return {"nodes": [_box(n) for n in shown.values()], "arrows": arrows, "truncated": truncated,
            "width": 2 * MARGIN + (max_col - min_col) * COL_WIDTH + NODE_WIDTH,
            "height": 2 * MARGIN + max(rows.values()) * ROW_HEIGHT}


def _columns(parties: dict[str, Node], moves: dict[tuple[str, str], list[str]], start: str) -> None:
    """Breadth-first from the owner: a destination one column right of its source, a source one column left."""
    succ: dict[str, list[str]] = {}
    pred: dict[str, list[str]] = {}
    for a, b in moves:
        succ.setdefault(a, []).append(b)
        pred.setdefault(b, []).append(a)
    placed = {start}
    queue = deque([start])
    while queue:
        key = queue.popleft()
        for nxt, step in [(b, 1) for b in succ.get(key, ())] + [(a, -1) for a in pred.get(key, ())]:
            if nxt not in placed and nxt in parties:
                parties[nxt].col = parties[key].col + step
                placed.add(nxt)
                queue.append(nxt)


def _box(n: Node) -> dict[str, Any]:
    return {"x": n.x, "y": n.y, "w": NODE_WIDTH, "h": NODE_HEIGHT, "name": _short(n.name), "title": n.name, "start": n.start,
            "note": _short("; ".join(n.notes), 26), "notes": "; ".join(n.notes), "tx": n.x + 8, "ty": n.y + 20, "ny": n.y + 38}


def _arrow(a: Node, b: Node, labels: list[str]) -> dict[str, Any]:
    forward = b.col >= a.col
    x1 = a.x + (NODE_WIDTH if forward else 0)
    x2 = b.x + (0 if forward else NODE_WIDTH)
    y1 = a.y + NODE_HEIGHT // 2
    y2 = b.y + NODE_HEIGHT // 2
    label = labels[0] + (f" (+{len(labels) - 1})" if len(labels) > 1 else "")
    return {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "lx": (x1 + x2) // 2, "ly": (y1 + y2) // 2 - 6, "label": _short(label, 22),
            "title": "\n".join(labels)}
