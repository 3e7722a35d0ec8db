"""Writes for accounts: organisations, users and API keys."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ApiKey, Organisation, User, hash_key
from shian.core import audit
from shian.core.access import Role
from shian.core.context import acting_as
from shian.core.errors import Conflict, Invalid, NotFound
from shian.core.models import Jurisdiction


def organisation_create(*, code: str, name: str, kind: str, jurisdiction: Jurisdiction | None, by: User | None = None) -> Organisation:
    """Register an organisation; its code must be unique."""
    with acting_as(by), transaction.atomic():
        if Organisation.objects.filter(code=code).exists():
            raise Conflict(_("An organisation with code %(code)s already exists.") % {"code": code}, field="code")
        org = Organisation(code=code, name=name, kind=kind, jurisdiction=jurisdiction)
        org.full_clean()
        org.save()
        return org


def user_create(*, username: str, password: str, role: str, organisation: Organisation | None,
                display_name: str = "", by: User | None = None, is_staff: bool = False) -> User:
    """Create a user with a role in an organisation; the role must fit the organisation kind."""
    if role not in Role.ALL:
        raise Invalid(_("Unknown role."), field="role")
    if role not in (Role.PUBLIC, Role.ADMIN) and organisation is None:
        raise Invalid(_("This role needs an organisation."), field="organisation")
    with acting_as(by), transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict(_("The username %(u)s is taken.") % {"u": username}, field="username")
        user = User(username=username, role=role, organisation=organisation, display_name=display_name,
                    is_staff=is_staff or role == Role.ADMIN, is_superuser=role == Role.ADMIN)
        user.set_password(password)
        user.full_clean()
        user.save()
        return user


def apikey_create(*, org_code: str, name: str = "system", by: User | None = None) -> tuple[ApiKey, str]:
    """Create an API key for an organisation; returns the row and the secret (shown once)."""
    org = Organisation.objects.filter(code=org_code).first()
    if org is None:
        raise NotFound(_("No organisation with code %(code)s.") % {"code": org_code}, field="org")
    secret = "shk_" + secrets.token_urlsafe(32)
    with acting_as(by), transaction.atomic():
        key = ApiKey(organisation=org, name=name, prefix=secret[4:12], key_hash=hash_key(secret))
        key.full_clean()
        key.save()
        audit.record_event("apikey.created", obj=key, data={"organisation": org.code, "prefix": key.prefix})
    return key, secret


def apikey_revoke(*, key: ApiKey, by: User | None = None) -> ApiKey:
    with acting_as(by), transaction.atomic():
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit.record_event("apikey.revoked", obj=key, data={"prefix": key.prefix})
    return key
