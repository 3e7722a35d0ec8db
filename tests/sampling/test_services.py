"""The life of a sample through the services: deadlines, results, non-conforming handling, re-test, disposal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from shian.core import draws
from shian.core.errors import Conflict, Invalid
from shian.core.models import AuditEntry
from shian.sampling import services
from shian.sampling.limits import LimitIndex
from shian.sampling.models import Disposal, FoodGroup, Limit, Notification, Report, Retest, Sample, TestResult
from tests.sampling.conftest import DAY, Labs, chlorpyrifos, lead

pytestmark = pytest.mark.django_db


def test_seeded_limits_have_sources_and_walk_the_food_groups(labs: Labs) -> None:
    assert Limit.objects.filter(standard="GB 2763-2021").count() >= 10
    assert Limit.objects.filter(standard="GB 2762-2022").count() >= 30
    assert Limit.objects.filter(standard="GB 29921-2021").count() >= 8
    assert not Limit.objects.filter(clause="").exists() and set(Limit.objects.values_list("confidence", flat=True)) <= {"V", "S", "U"}
    index = LimitIndex.load()
    celery, choy = FoodGroup.objects.get(code="veg_celery"), FoodGroup.objects.get(code="veg_brassica")
    assert index.find("铅", celery.pk).value == Decimal("0.3")  # 芹菜 → 叶菜类蔬菜
    assert index.find("cadmium", celery.pk).value == Decimal("0.2")  # its own row
    assert index.find("毒死蜱", celery.pk).value == Decimal("0.05")
    assert index.find("lead", choy.pk).food_group.code == "veg_brassica"
    assert index.find("omethoate", choy.pk).food_group.code == "veg"
    assert index.find("salmonella", celery.pk) is None
    cooked = index.find("沙门氏菌", FoodGroup.objects.get(code="meat_bbq").pk)
    assert (cooked.n, cooked.c, cooked.m, cooked.unit) == (5, 0, Decimal(0), "/25g")


def test_sample_deadlines_and_duplicate_number(labs: Labs) -> None:
    sample = labs.take(number="jm2026-001")
    assert sample.number == "JM2026-001" and sample.receive_due == date(2026, 3, 9)  # 5 working days after Monday 2 March
    assert sample.samplers.count() == 2 and sample.status == Sample.Status.SAMPLED
    with pytest.raises(Conflict) as exc:
        labs.take(number="JM2026-001")
    assert exc.value.code == "sample_number_duplicate" and exc.value.field == "number"
    assert AuditEntry.objects.filter(action="sample.taken", operator_id=labs.world.op2.pk).count() == 1


def test_sample_needs_two_samplers_a_price_and_a_lab(labs: Labs) -> None:
    w = labs.world
    base = {"operator": w.op2, "place": "p", "product_name": "菜心", "food_group": FoodGroup.objects.get(code="veg"), "sampled_on": DAY, "seal_number": "F",
                "quantity": Decimal(1), "price_paid": Decimal(5), "lab": labs.lab1}
    with pytest.raises(Invalid) as exc:
        services.sample_create(samplers=[w.users["district_regulator"]], **base)
    assert exc.value.code == "samplers_too_few"
    with pytest.raises(Invalid) as exc:
        services.sample_create(samplers=[w.users["district_regulator"], w.users["operator_user"]], **base)
    assert exc.value.code == "sampler_role"
    with pytest.raises(Invalid) as exc:
        services.sample_create(samplers=labs.samplers, **{**base, "lab": w.users["cdc_user"].organisation})
    assert exc.value.code == "lab_invalid"
    with pytest.raises(Invalid):
        services.sample_create(samplers=labs.samplers, **{**base, "price_paid": Decimal(0)})
    assert not Sample.objects.exists()


def test_receipt_and_conforming_report(labs: Labs) -> None:
    sample = labs.take()
    labs.receive(sample, date(2026, 3, 10))  # one day late
    sample.refresh_from_db()
    assert sample.received_late and sample.report_due == date(2026, 4, 8)  # Qingming (6 April) is a holiday
    report = labs.report(sample, [chlorpyrifos("15", "μg/kg"), lead("未检出", "")])
    sample.refresh_from_db()
    assert (sample.status, sample.conclusion, report.conclusion) == (Sample.Status.REPORTED, "conforming", "conforming")
    results = {r.item_code: r for r in TestResult.objects.filter(report=report)}
    assert results["chlorpyrifos"].value_in_limit_unit == Decimal("0.015") and results["chlorpyrifos"].limit_text == "≤ 0.02 mg/kg"
    assert results["chlorpyrifos"].standard == "GB 2763-2021" and not results["lead"].detected
    assert not Notification.objects.exists() and not Disposal.objects.exists()
    assert AuditEntry.objects.filter(action="sample.result_posted", operator_id=labs.world.op2.pk).exists()
    assert AuditEntry.objects.filter(model="sampling.testresult").count() == 2
    with pytest.raises(Invalid) as exc:
        labs.report(sample, [chlorpyrifos("0.01")])
    assert exc.value.code == "already_reported"


def test_bad_results_name_the_item_and_write_nothing(labs: Labs) -> None:
    one, two = labs.take(), labs.take()
    labs.receive(one)
    labs.receive(two)
    with pytest.raises(Invalid) as exc:
        services.reports_post(reports=[services.ReportIn(sample=one, items=[chlorpyrifos("0.01")], reported_on=date(2026, 3, 10)),
                                       services.ReportIn(sample=two, items=[lead("很多")], reported_on=date(2026, 3, 10))])
    assert exc.value.code == "value_not_number" and "铅" in exc.value.message and two.number in exc.value.message
    assert exc.value.field == "items[0].value"
    with pytest.raises(Invalid) as exc:
        labs.report(one, [chlorpyrifos("0.01", "CFU/g")])
    assert exc.value.code == "unit_not_convertible" and "毒死蜱" in exc.value.message
    with pytest.raises(Invalid) as exc:
        labs.report(one, [services.ItemIn(item="沙门氏菌", value="未检出", unit="/25g", method_standard="GB 4789.4")])
    assert exc.value.code == "limit_unknown"  # enforcement needs a limit; salmonella has none for vegetables
    with pytest.raises(Invalid) as exc:
        labs.report(one, [chlorpyrifos("0.01"), chlorpyrifos("0.02")])
    assert exc.value.code == "item_repeated"
    with pytest.raises(Invalid) as exc:
        labs.report(labs.take(), [chlorpyrifos("0.01")])
    assert exc.value.code == "sample_not_received"
    assert not Report.objects.exists() and not TestResult.objects.exists()


def test_nonconforming_notifies_and_opens_the_disposal_case(labs: Labs) -> None:
    w = labs.world
    paper = labs.failed(w.op2)  # op2 has no platform account: paper delivery
    online = labs.failed(w.op1)
    assert paper.conclusion == online.conclusion == Sample.Conclusion.NONCONFORMING
    regulator = Notification.objects.get(sample=paper, recipient="regulator")
    assert regulator.organisation.code == "JM-PJ" and regulator.due_on == date(2026, 3, 12) and regulator.delivered_on == date(2026, 3, 10)
    op_paper = Notification.objects.get(sample=paper, recipient="operator")
    assert op_paper.channel == "paper" and op_paper.delivered_on is None
    op_online = Notification.objects.get(sample=online, recipient="operator")
    assert op_online.channel == "platform" and op_online.delivered_on == date(2026, 3, 10)
    case = Disposal.objects.get(sample=paper)
    assert case.status == Disposal.Status.OPEN and case.due_on == date(2026, 6, 8)  # 90 days
    assert AuditEntry.objects.filter(action="sample.nonconforming", operator_id=w.op2.pk).count() == 1
    assert AuditEntry.objects.filter(action="disposal.opened", operator_id=w.op1.pk).count() == 1
    # A paper notification is delivered later; late ones are tracked.
    delivered = services.notification_deliver(notification=op_paper, delivered_on=date(2026, 3, 16), by=w.users["district_regulator"])
    assert delivered.late
    with pytest.raises(Conflict):
        services.notification_deliver(notification=op_paper, delivered_on=date(2026, 3, 16))


def test_monitoring_notifies_only_the_regulator(labs: Labs) -> None:
    sample = labs.failed(purpose=Sample.Purpose.MONITORING)
    assert list(Notification.objects.filter(sample=sample).values_list("recipient", flat=True)) == ["regulator"]
    assert not Disposal.objects.exists()
    with pytest.raises(Invalid) as exc:
        services.retest_request(sample=sample, requested_on=date(2026, 3, 11))
    assert exc.value.code == "retest_not_applicable"


def test_retest_within_seven_working_days_draws_another_lab_verifiably(labs: Labs) -> None:
    w = labs.world
    sample = labs.failed(w.op1)  # delivered on the platform on Tuesday 10 March
    assert services.retest_deadline(sample) == date(2026, 3, 19)
    retest = services.retest_request(sample=sample, requested_on=date(2026, 3, 19), reason="对检验结论有异议", by=w.users["operator_user"])
    assert retest.lab.code in ("LAB-2", "LAB-3") and retest.pool_keys == ["LAB-2", "LAB-3"]
    assert retest.pool_hash == draws.pool_hash(["LAB-2", "LAB-3"]) and draws.draw(["LAB-3", "LAB-2"], 1, retest.seed).drawn == (retest.drawn_key,)
    assert services.retest_draw_problems(retest, "LAB-1") == []
    event = AuditEntry.objects.get(action="retest.requested")
    assert event.operator_id == w.op1.pk and event.data["seed"] == retest.seed and event.data["pool"] == ["LAB-2", "LAB-3"]
    tampered = Retest(seed=retest.seed, pool_hash=retest.pool_hash, pool_keys=["LAB-2", "LAB-3"],
                      drawn_key="LAB-3" if retest.drawn_key == "LAB-2" else "LAB-2")
    assert "drawn" in services.retest_draw_problems(tampered, "LAB-1")
    with pytest.raises(Conflict) as exc:
        services.retest_request(sample=sample, requested_on=date(2026, 3, 19))
    assert exc.value.code == "retest_exists"


def test_late_retest_is_refused_citing_article_88_and_the_last_date(labs: Labs) -> None:
    sample = labs.failed(labs.world.op1)
    with pytest.raises(Invalid) as exc:
        services.retest_request(sample=sample, requested_on=date(2026, 3, 20))
    assert exc.value.code == "retest_too_late" and exc.value.field == "requested_on"
    assert "2026-03-19" in exc.value.message and "88" in exc.value.message + str(exc.value.details)
    assert not Retest.objects.exists()


def test_retest_period_runs_from_paper_delivery(labs: Labs) -> None:
    sample = labs.failed(labs.world.op2)
    assert services.retest_deadline(sample) is None  # not delivered yet: the period has not started
    note = Notification.objects.get(sample=sample, recipient="operator")
    services.notification_deliver(notification=note, delivered_on=date(2026, 3, 20))
    assert services.retest_deadline(sample) == date(2026, 3, 31)
    assert services.retest_request(sample=sample, requested_on=date(2026, 3, 31)).pk


def test_retest_refused_without_another_qualified_lab(labs: Labs) -> None:
    labs.lab2.qualification.delete()
    labs.lab3.qualification.delete()
    sample = labs.failed(labs.world.op1)
    with pytest.raises(Invalid) as exc:
        services.retest_request(sample=sample, requested_on=date(2026, 3, 11))
    assert exc.value.code == "retest_pool_empty"


def test_microbial_results_cannot_be_retested_unless_the_rule_is_off(labs: Labs, settings) -> None:
    sample = labs.take(labs.world.op1, group="meat_cooked")
    labs.receive(sample)
    labs.report(sample, [services.ItemIn(item="沙门氏菌", value="检出", unit="/25g", method_standard="GB 4789.4-2016")])
    with pytest.raises(Invalid) as exc:
        services.retest_request(sample=sample, requested_on=date(2026, 3, 11))
    assert exc.value.code == "retest_microbial"
    settings.SHIAN_SAMPLING_DISABLED_RULES = ["no_retest_microbial"]
    assert services.retest_request(sample=sample, requested_on=date(2026, 3, 11)).pk


def test_retest_result_is_final_and_can_overturn_the_case(labs: Labs) -> None:
    sample = labs.failed(labs.world.op1)
    retest = services.retest_request(sample=sample, requested_on=date(2026, 3, 12))
    with pytest.raises(Conflict):
        services.sample_receive(sample=sample, received_on=date(2026, 3, 13))  # the first lab's receipt is done
    services.sample_receive(sample=sample, round=Report.Round.RETEST, received_on=date(2026, 3, 13))
    retest.refresh_from_db()
    assert retest.report_due == date(2026, 4, 13)
    services.reports_post(reports=[services.ReportIn(sample=sample, items=[chlorpyrifos("0.015")], round=Report.Round.RETEST,
                                                     reported_on=date(2026, 3, 20))])
    sample.refresh_from_db()
    assert (sample.status, sample.conclusion) == (Sample.Status.RETESTED, Sample.Conclusion.CONFORMING)
    assert sample.reports.get(round="retest").lab_id == retest.lab_id
    case = Disposal.objects.get(sample=sample)
    assert (case.status, case.outcome, case.closed_on) == ("closed", "overturned", date(2026, 3, 20))
    assert AuditEntry.objects.filter(action="disposal.closed", operator_id=labs.world.op1.pk).exists()
    with pytest.raises(Invalid):
        services.reports_post(reports=[services.ReportIn(sample=sample, items=[chlorpyrifos("0.5")], round=Report.Round.RETEST,
                                                         reported_on=date(2026, 3, 21))])


def test_disposal_steps_and_closing(labs: Labs) -> None:
    w = labs.world
    case = Disposal.objects.get(sample=labs.failed(w.op1))
    with pytest.raises(Conflict):
        services.disposal_close(case=case, closed_on=date(2026, 3, 20))
    with pytest.raises(Invalid):
        services.disposal_respond(case=case, withdrawal=" ", cause_analysis="x")
    services.disposal_respond(case=case, withdrawal="下架问题批次菜心20公斤，封存", cause_analysis="供货商违规使用毒死蜱", by=w.users["operator_user"])
    services.disposal_verify(case=case, verification="现场核查下架到位", penalty_case_ref="江蓬市监罚〔2026〕15号", by=w.users["district_regulator"])
    closed = services.disposal_close(case=case, closed_on=date(2026, 4, 1), by=w.users["district_regulator"])
    assert (closed.status, closed.outcome, closed.closed_late) == ("closed", "disposed", False)
    event = AuditEntry.objects.get(action="disposal.closed")
    assert event.operator_id == w.op1.pk and event.data["penalty_case_ref"] == "江蓬市监罚〔2026〕15号"
    with pytest.raises(Conflict):
        services.disposal_respond(case=closed, withdrawal="a", cause_analysis="b")


def test_disposal_lists_the_holders_downstream_of_the_lot(labs: Labs) -> None:
    from shian.trace import services as trace
    from tests.trace.conftest import build_trace

    w = labs.world
    t = build_trace(w)
    trace.shipment_create(supplier=w.op2, buyer=w.op1, shipped_on=date(2026, 2, 20), lines=[trace.LineIn(quantity=Decimal(10), lot=t.lot)])
    trace.receipt_confirm(receipt=w.op1.receipts.get())
    sample = labs.take(w.op2, group="meat_cooked", lot=t.lot)
    assert sample.lot_code == "LC2026-01"
    labs.receive(sample)
    labs.report(sample, [lead("0.9")])
    case = Disposal.objects.get(sample=sample)
    assert [h["party"] for h in case.scope["holders"]] == [w.op1.name] and case.scope["holders"][0]["received"] == "10"
    assert case.scope["lots"][0]["lot_id"] == t.lot.pk and case.scope_taken_at is not None


def test_plan_target_defaults_to_seven_per_thousand(labs: Labs) -> None:
    plan = services.plan_create(jurisdiction=labs.world.d1, year=2026)
    assert plan.target_batches == 5894  # 842,000 residents × 7 / 1000
    with pytest.raises(Conflict):
        services.plan_create(jurisdiction=labs.world.d1, year=2026)
    with pytest.raises(Invalid) as exc:
        services.plan_create(jurisdiction=labs.world.d2, year=2026, target_batches=10)
    assert exc.value.code == "target_too_low"
