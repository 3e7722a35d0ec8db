"""``shian rectification_overdue``: mark open orders past their deadline as overdue (run daily, e.g. from cron)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shian.rectification.services import mark_overdue


class Command(BaseCommand):
    help = "Mark open rectification orders past their deadline as overdue (rectification.overdue events)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="the day to judge by (YYYY-MM-DD), default today")

    def handle(self, *args: Any, **options: Any) -> None:
        count = mark_overdue(today=options["today"])
        self.stdout.write(f"{count} 个整改通知已标记为逾期。")
