"""Organisations (regulator offices, laboratories, CDC, operators' companies), users and API keys."""

from __future__ import annotations

import hashlib
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from shian.core.access import Principal, Role
from shian.core.models import Jurisdiction


class Organisation(models.Model):
    """A body whose people use the platform. A regulator office's jurisdiction scopes its staff."""

    class Kind(models.TextChoices):
        CITY_BUREAU = "city_bureau", _("City bureau")
        DISTRICT_BUREAU = "district_bureau", _("District bureau")
        STATION = "station", _("Street station")
        LAB = "lab", _("Laboratory")
        CDC = "cdc", _("CDC / sentinel hospital")
        OPERATOR = "operator", _("Food business")
        PLATFORM = "platform", _("External system")

    code = models.CharField(_("organisation code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    jurisdiction = models.ForeignKey(Jurisdiction, null=True, blank=True, on_delete=models.PROTECT, related_name="organisations",
                                     verbose_name=_("jurisdiction"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def system_role(self) -> str:
        """The role an API key of this organisation acts with."""
        roles: dict[str, str] = {
            self.Kind.CITY_BUREAU: Role.CITY_REGULATOR,
            self.Kind.DISTRICT_BUREAU: Role.DISTRICT_REGULATOR,
            self.Kind.STATION: Role.STATION_OFFICER,
            self.Kind.LAB: Role.LAB,
            self.Kind.CDC: Role.CDC,
            self.Kind.OPERATOR: Role.OPERATOR,
        }
        return roles.get(self.kind, Role.PUBLIC)


class User(AbstractUser):
    """A person using the platform, with one role in one organisation."""

    role = models.CharField(_("role"), max_length=24, choices=Role.CHOICES, default=Role.PUBLIC)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users", verbose_name=_("organisation"))
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @cached_property
    def principal(self) -> Principal:
        """The access-control view of this user (role + jurisdiction subtree + organisation)."""
        org = self.organisation
        jurisdiction = org.jurisdiction if org is not None else None
        role = Role.ADMIN if self.is_superuser else self.role
        return Principal(role=role, jurisdiction_path=jurisdiction.path if jurisdiction else None,
                         organisation_id=org.pk if org else None, user=self, label=self.username)


def hash_key(secret: str) -> str:
    """API keys are stored as SHA-256 digests; the key itself is shown once."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKey(models.Model):
    """A secret an organisation's system sends as ``Authorization: Bearer <key>``."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=64)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.organisation.code}:{self.prefix}…"

    @property
    def principal(self) -> Principal:
        org = self.organisation
        return Principal(role=org.system_role, jurisdiction_path=org.jurisdiction.path if org.jurisdiction else None,
                         organisation_id=org.pk, user=None, label=f"apikey:{org.code}:{self.prefix}")
