"""``shian audit verify``: recompute the audit hash chain and name every broken entry."""

from __future__ import annotations

from typing import Any

from shian.core import audit
from shian.core.management.verify import VerifyCommand


class Command(VerifyCommand):
    help = "Audit trail tools. `verify` checks the hash chain and exits 1 naming each tampered entry."
    failed = "审计链校验失败：检查 {checked} 条，发现 {problems} 处问题 (audit chain broken: {problems} problem(s) in {checked} entries)"
    intact = "审计链完整：已校验 {checked} 条记录 (audit chain intact: {checked} entries verified)"

    def check_all(self) -> tuple[int, list[Any]]:
        return audit.verify()
