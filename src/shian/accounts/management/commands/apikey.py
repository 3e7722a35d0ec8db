"""``shian apikey create --org CODE``: create an organisation API key and print it once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shian.accounts import services
from shian.core.context import acting_as
from shian.core.errors import ShianError


class Command(BaseCommand):
    help = "Create an API key for an organisation; the key is printed once and stored hashed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("--org", required=True, help="organisation code, e.g. JM-SJ")
        parser.add_argument("--name", default="system", help="a label for the key")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with acting_as(None, label="cli:apikey"):
                key, secret = services.apikey_create(org_code=options["org"], name=options["name"])
        except ShianError as exc:
            raise CommandError(exc.message) from None
        self.stderr.write(f"已为 {key.organisation.name}（{key.organisation.code}）创建 API 密钥，仅显示这一次：")
        self.stdout.write(secret)
