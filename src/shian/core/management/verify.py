"""A base for ``shian <area> verify`` commands: run a check, print each problem, exit 1 if any."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class VerifyCommand(BaseCommand):
    """Subclasses give ``check_all`` (-> items checked, problems) and the two bilingual messages, formatted
    with ``checked`` and ``problems`` (a count)."""

    failed: str
    intact: str

    def check_all(self) -> tuple[int, list[Any]]:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = self.check_all()
        if problems:
            for p in problems:
                self.stderr.write(f"篡改/TAMPERED: {p}")
            raise CommandError(self.failed.format(checked=checked, problems=len(problems)))
        self.stdout.write(self.intact.format(checked=checked))
