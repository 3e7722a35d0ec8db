"""``shian epcis verify``: recompute every stored EPCIS event and capture digest and name each mismatch."""

from __future__ import annotations

from typing import Any

from shian.core.management.verify import VerifyCommand
from shian.epcis.integrity import verify_events


class Command(VerifyCommand):
    help = "EPCIS repository tools. `verify` recomputes events, derived rows and capture digests and exits 1 naming each problem."
    failed = ("EPCIS 事件校验失败：检查 {checked} 个事件，发现 {problems} 处问题 "
              "(EPCIS repository: {problems} problem(s) in {checked} events)")
    intact = "EPCIS 事件完整：已校验 {checked} 个事件及各次采集摘要 (EPCIS repository intact: {checked} events verified)"

    def check_all(self) -> tuple[int, list[Any]]:
        return verify_events()
