"""Reads for accounts."""

from __future__ import annotations

from django.utils import timezone

from shian.accounts.models import ApiKey, hash_key


def apikey_for_secret(secret: str) -> ApiKey | None:
    """The active key matching ``secret`` (constant work: a hash lookup), touching last use."""
    if not secret.startswith("shk_"):
        return None
    key = ApiKey.objects.select_related("organisation__jurisdiction").filter(key_hash=hash_key(secret), revoked_at__isnull=True).first()
    if key is None or not key.organisation.is_active:
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 300:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key
