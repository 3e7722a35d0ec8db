"""Users, organisations, roles and API keys."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shian.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from shian.accounts.models import ApiKey, Organisation, User
        from shian.core import audit

        audit.register(Organisation)
        audit.register(User, exclude=("password", "last_login"))
        audit.register(ApiKey)
        audit.describe_actions({"apikey.created": _("API key created"), "apikey.revoked": _("API key revoked")})
