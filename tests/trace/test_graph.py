"""Trace back and forward over the EPCIS edge table: the platform's own shipments and receipts,
transformations recorded as EPCIS events, the depth bound, the query budget and who sees names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from shian.core.errors import Forbidden, NotAuthenticated, NotFound
from shian.epcis.services import record_platform_events
from shian.trace import graph, services
from shian.trace.models import Lot, Receipt
from shian.trace.services import LineIn
from tests.conftest import World
from tests.trace.conftest import DAY, Trace


def transformation(inputs: list[tuple[str, float]], outputs: list[tuple[str, float]], when: str = "2026-03-04T10:00:00+08:00") -> dict[str, Any]:
    return {"type": "TransformationEvent", "eventTime": when, "eventTimeZoneOffset": "+08:00", "bizStep": "repackaging",
            "inputQuantityList": [{"epcClass": i, "quantity": q, "uom": "KGM"} for i, q in inputs],
            "outputQuantityList": [{"epcClass": o, "quantity": q, "uom": "KGM"} for o, q in outputs]}


@dataclass
class Chain:
    world: World
    farm_lot: Lot  # op2's lot (蓬江区)
    wholesale_lot: Lot  # op3's lot repacked from it (江海区)


def _confirm_shipment(supplier: Any, buyer: Any, lot: Lot, qty: str, shipped_on: date) -> Receipt:
    shipment = services.shipment_create(supplier=supplier, buyer=buyer, shipped_on=shipped_on, lines=[LineIn(quantity=Decimal(qty), lot=lot)])
    return services.receipt_confirm(receipt=Receipt.objects.get(shipment=shipment))


@pytest.fixture
def chain(trace: Trace) -> Chain:
    """op2 (producer) ships its lot to op3 (wholesaler), which repacks it into its own lot and ships part to op1 (restaurant)."""
    w = trace.world
    _confirm_shipment(w.op2, w.op3, trace.lot, "100", DAY)
    packed = services.product_create(owner=w.op3, name="分装腊肠", category_code="104")
    w_lot = services.lot_create(product=packed, lot_code="FZ-1", production_date=date(2026, 3, 3), quantity=Decimal(100), unit="bag")
    record_platform_events([transformation([(trace.lot.epc_class, 100)], [(w_lot.epc_class, 100)])], operator=w.op3)
    _confirm_shipment(w.op3, w.op1, w_lot, "30", date(2026, 3, 5))
    return Chain(w, trace.lot, w_lot)


def _p(world: World, persona: str) -> Any:
    return world.users[persona].principal


def _ids(result: dict[str, Any]) -> set[str]:
    return {n["identifier"] for n in result["nodes"]}


def _parties(result: dict[str, Any], key: str) -> list[str | None]:
    return [e[key]["name"] if e[key] else None for e in result["edges"]]


@pytest.mark.django_db
def test_forward_from_the_farm_lot_reaches_the_restaurant(chain: Chain) -> None:
    w = chain.world
    out = graph.trace_forward(chain.farm_lot.epc_class, principal=_p(w, "city_regulator"))
    assert _ids(out) == {chain.farm_lot.epc_class, chain.wholesale_lot.epc_class}
    steps = [(e["biz_step"] or e["event_type"]) for e in out["edges"]]
    assert steps == ["shipping", "receiving", "repackaging", "shipping", "receiving"]  # time order
    assert _parties(out, "destination")[-1] == w.op1.name  # the last receiver
    last = out["edges"][-1]
    assert last["lots"] == [{"identifier": chain.wholesale_lot.epc_class, "quantity": 30, "uom": ""}]
    depth = {n["identifier"]: n for n in out["nodes"]}
    assert depth[chain.wholesale_lot.epc_class]["depth"] == 1 and depth[chain.wholesale_lot.epc_class]["owner"] == w.op3.name


@pytest.mark.django_db
def test_back_from_the_restaurants_lot_reaches_the_farm(chain: Chain) -> None:
    w = chain.world
    out = graph.trace_back(chain.wholesale_lot.epc_class, principal=_p(w, "city_regulator"))
    assert _ids(out) == {chain.farm_lot.epc_class, chain.wholesale_lot.epc_class}
    assert w.op2.name in _parties(out, "source")  # the origin
    farm = next(n for n in out["nodes"] if n["identifier"] == chain.farm_lot.epc_class)
    assert farm["lot_id"] == chain.farm_lot.pk and farm["owner"] == w.op2.name and farm["product"] == "广式腊肠"


@pytest.mark.django_db
def test_a_captured_transformation_is_followed_both_ways(world: World) -> None:
    a, b, c = "urn:shian:lot:TA", "urn:shian:lot:TB", "https://id.gs1.org/01/06901234567892/10/MIX-1"
    record_platform_events([transformation([(a, 10), (b, 5)], [(c, 15)])], operator=world.op1)
    principal = _p(world, "admin")
    assert _ids(graph.trace_forward(a, principal=principal)) == {a, c}
    assert _ids(graph.trace_forward(b, principal=principal)) == {b, c}
    back = graph.trace_back(c, principal=principal)
    assert _ids(back) == {a, b, c}
    [edge] = back["edges"]
    assert edge["event_type"] == "TransformationEvent" and [i["identifier"] for i in edge["inputs"]] == [a, b]
    assert next(n for n in back["nodes"] if n["identifier"] == a)["lot_id"] is None  # not a platform lot: the identifier alone
    assert graph.trace_back(a, principal=principal)["edges"] == []  # nothing made a


@pytest.mark.django_db
def test_depth_bound_time_window_and_query_budget(world: World, django_assert_max_num_queries: Any) -> None:
    chain = [f"urn:shian:lot:D{i}" for i in range(6)]
    record_platform_events([transformation([(chain[i], 1)], [(chain[i + 1], 1)], when=f"2026-03-0{i + 1}T08:00:00+08:00") for i in range(5)],
                           operator=world.op1)
    principal = _p(world, "admin")
    assert _ids(graph.trace_forward(chain[0], principal=principal, max_depth=0)) == {chain[0]}
    assert _ids(graph.trace_forward(chain[0], principal=principal, max_depth=2)) == set(chain[:3])
    assert _ids(graph.trace_back(chain[5], principal=principal, max_depth=3)) == set(chain[2:])
    with django_assert_max_num_queries(6 + 4):  # one query per level (6 levels) + names
        assert _ids(graph.trace_forward(chain[0], principal=principal)) == set(chain)
    from datetime import UTC, datetime

    cut = datetime(2026, 3, 3, tzinfo=UTC)  # the third transformation (03-03 08:00+08:00 = 03-03 00:00Z) onwards is inside
    assert _ids(graph.trace_forward(chain[0], principal=principal, until=cut)) == set(chain[:3])
    assert _ids(graph.trace_forward(chain[0], principal=principal, since=cut)) == {chain[0]}


@pytest.mark.django_db
def test_cycles_terminate(world: World) -> None:
    a, b = "urn:shian:lot:CA", "urn:shian:lot:CB"
    record_platform_events([transformation([(a, 1)], [(b, 1)]), transformation([(b, 1)], [(a, 1)], when="2026-03-05T10:00:00+08:00")],
                           operator=world.op1)
    out = graph.trace_forward(a, principal=_p(world, "admin"))
    assert _ids(out) == {a, b} and len(out["edges"]) == 2


# --- access -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_names_outside_the_view_are_opaque(chain: Chain) -> None:
    w = chain.world
    # 蓬江区's regulator sees op1 and op2 by name; op3 (江海区) only as its party URI.
    out = graph.trace_forward(chain.farm_lot.epc_class, principal=_p(w, "district_regulator"))
    first = out["edges"][0]
    assert first["source"]["name"] == w.op2.name
    assert first["destination"] == {"id": f"urn:shian:operator:{w.op3.uscc}", "name": None, "operator_id": None}
    # the restaurant (op1) sees only the steps it took part in: its supplier op3's shipment to it and
    # its own receipt; op3's repacking and op3's purchase from op2 are op3's other trade.
    back = graph.trace_back(chain.wholesale_lot.epc_class, principal=_p(w, "operator_user"))
    assert chain.farm_lot.epc_class not in _ids(back)
    assert {e["biz_step"] for e in back["edges"]} <= {"shipping", "receiving"}
    party_ids = {p["id"] for e in back["edges"] for p in (e["source"], e["destination"]) if p}
    assert party_ids == {f"urn:shian:operator:{w.op3.uscc}", f"urn:shian:operator:{w.op1.uscc}"}
    names = {p["name"] for e in back["edges"] for p in (e["source"], e["destination"]) if p}
    assert w.op3.name in names and w.op2.name not in names
    # the regulator of 蓬江区 still sees the whole chain back to the farm lot.
    assert chain.farm_lot.epc_class in _ids(graph.trace_back(chain.wholesale_lot.epc_class, principal=_p(w, "district_regulator")))


@pytest.mark.django_db
def test_lot_trace_access(chain: Chain) -> None:
    w = chain.world
    lot, back, forward = graph.lot_trace(_p(w, "operator_user"), chain.wholesale_lot.pk)  # op1 received it
    assert lot == chain.wholesale_lot and back is not None and forward is not None
    _lot, back_only, none = graph.lot_trace(_p(w, "operator_user"), chain.wholesale_lot.pk, "back")
    assert back_only is not None and none is None
    with pytest.raises(NotFound):
        graph.lot_trace(_p(w, "operator_user"), chain.farm_lot.pk)  # op2 → op3 trade: not op1's
    with pytest.raises(Forbidden):
        graph.trace_forward(chain.farm_lot.epc_class, principal=_p(w, "lab_user"))
    with pytest.raises(NotAuthenticated):
        graph.trace_forward(chain.farm_lot.epc_class, principal=None)


@pytest.mark.django_db
def test_api_and_page(chain: Chain) -> None:
    w = chain.world
    client = w.client("operator_user")
    r = client.get(f"/api/v1/trace/lots/{chain.wholesale_lot.pk}/trace?direction=both")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["lot"]["id"] == chain.wholesale_lot.pk
    # one hop for an operator: the farm lot behind op3's repacking is op3's other trade
    assert {n["identifier"] for n in body["back"]["nodes"]} == {chain.wholesale_lot.epc_class}
    assert [e["biz_step"] for e in body["forward"]["edges"]] == ["shipping", "receiving"]
    r = client.get(f"/api/v1/trace/lots/{chain.wholesale_lot.pk}/trace?direction=forward")
    assert r.status_code == 200 and r.json()["back"] is None
    assert client.get(f"/api/v1/trace/lots/{chain.wholesale_lot.pk}/trace?direction=sideways").status_code in (400, 422)
    page = w.client("city_regulator").get(f"/trace/lots/{chain.farm_lot.pk}/trace/")
    assert page.status_code == 200
    text = page.content.decode()
    assert w.op1.name in text and w.op3.name in text and "FZ-1" in text
    assert w.client("other_operator_user").get(f"/trace/lots/{chain.wholesale_lot.pk + 1000}/trace/").status_code == 404
