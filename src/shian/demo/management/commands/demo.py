"""``shian demo --scale small|large|N [--seed N]``: generate the demo city and print its logins."""

from __future__ import annotations

import time
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shian.accounts.models import Organisation
from shian.demo import generator

COUNT_LABELS = (
    ("jurisdictions", "辖区"),
    ("organisations", "机构"),
    ("users", "用户"),
    ("operators", "经营主体"),
    ("licences", "许可证"),
    ("premises", "经营场所"),
    ("staff", "从业人员"),
    ("insurance_policies", "责任保险"),
    ("self_inspections", "自查报告"),
    ("audit_entries", "审计日志条目"),
)


def display_width(text: str) -> int:
    """Terminal columns of ``text`` (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal columns."""
    return text + " " * max(width - display_width(text), 0)


class Command(BaseCommand):
    """Generate the deterministic demo city (idempotent: an existing demo is left alone)."""

    help = "Generate the deterministic demo city (Jiangmen-like): jurisdictions, organisations, demo logins and operators."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", default="small", help="small (≈3,000 operators), large (100,000) or a number of operators")
        parser.add_argument("--seed", type=int, default=generator.DEFAULT_SEED, help="random seed (same seed + scale = same data)")

    def handle(self, *args: Any, **options: Any) -> None:
        scale: str = options["scale"]
        try:
            generator.resolve_scale(scale)
        except ValueError:
            raise CommandError(f"--scale 无效：{scale!r}（应为 small、large 或正整数的经营主体数量）") from None
        started = time.monotonic()
        result = generator.generate(scale=scale, seed=options["seed"], stdout=self.stdout)
        elapsed = time.monotonic() - started
        out = self.stdout.write
        if result.created:
            out(
                self.style.SUCCESS(
                    f"演示城市（江门市）已生成：种子 {result.seed}，规模 {result.scale}（{result.operators_requested} 家经营主体），用时 {elapsed:.1f} 秒。"
                )
            )
        else:
            out(self.style.WARNING(f"数据库中已有演示数据（机构 {generator.CITY_BUREAU_CODE} 已存在），未重复生成；用时 {elapsed:.1f} 秒。"))
        out("")
        out("数量：" if result.created else "数据库现有数量：")
        for key, label in COUNT_LABELS:
            if key in result.counts:
                out(f"  {pad(label, 14)}{result.counts[key]:>10,}")
        out("")
        out(f"演示账号（密码均为 {generator.DEMO_PASSWORD}）：")
        out("  " + pad("角色", 26) + pad("用户名", 20) + pad("密码", 18) + "机构代码")
        for label, username, password, org in result.logins:
            out("  " + pad(label, 26) + pad(username, 20) + pad(password, 18) + (org or "—"))
        out("")
        out("机构代码：")
        names = dict(Organisation.objects.filter(code__in=result.organisation_codes).values_list("code", "name"))
        stations = [c for c in result.organisation_codes if c.startswith("ST-")]
        for code in result.organisation_codes:
            if not code.startswith("ST-"):
                out(f"  {pad(code, 10)}{names.get(code, '')}")
        if stations:
            out(f"  街道（镇）市场监管所 {len(stations)} 个：{stations[0]} … {stations[-1]}（ST-<街道代码>）")
