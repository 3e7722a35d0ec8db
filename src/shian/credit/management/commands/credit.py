"""``shian credit sync|expire|hygiene``: the credit module's periodic work (run from cron)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from shian.credit import services


class Command(BaseCommand):
    help = ("sync: bring credit records, violation points and dynamic hygiene grades up to date from inspections and sampling; "
            "expire: remove listings whose period has ended; hygiene --year Y: grade catering operators for year Y.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["sync", "expire", "hygiene"])
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="the day to judge by (YYYY-MM-DD), default today")
        parser.add_argument("--since", type=date.fromisoformat, default=None, help="sync: facts from this date (default: three years back)")
        parser.add_argument("--year", type=int, default=None, help="hygiene: the year to grade (default: last year)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        if options["action"] == "sync":
            result = services.sync(since=options["since"], today=today)
            self.stdout.write(f"信用记录同步完成：{result.operators} 家经营主体，新增 {result.created} 条，更新 {result.updated} 条，"
                              f"撤销 {result.withdrawn} 条；新增记分 {result.points} 条、动态等级 {result.hygiene} 条。")
        elif options["action"] == "expire":
            removed = services.listings_expire(today=today)
            self.stdout.write(f"{removed} 家经营主体已到期移出严重违法失信名单。")
        else:
            year = options["year"] or today.year - 1
            graded = services.hygiene_annual(year=year)
            self.stdout.write(f"{year} 年度量化分级已评定 {graded} 家餐饮服务经营者。")
