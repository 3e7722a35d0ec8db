"""``shian audit verify``: recompute the audit hash chain and name every broken entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shian.core import audit


class Command(BaseCommand):
    help = "Audit trail tools. `verify` checks the hash chain and exits 1 naming each tampered entry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = audit.verify()
        if problems:
            for p in problems:
                self.stderr.write(f"篡改/TAMPERED: {p}")
            raise CommandError(f"审计链校验失败：检查 {checked} 条，发现 {len(problems)} 处问题 "
                               f"(audit chain broken: {len(problems)} problem(s) in {checked} entries)")
        self.stdout.write(f"审计链完整：已校验 {checked} 条记录 (audit chain intact: {checked} entries verified)")
