"""Passwords, login throttling, security headers, API keys."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.core.management import call_command
from django.test import Client

from shian.accounts.models import ApiKey, hash_key
from tests.conftest import PASSWORD, World


def test_argon2_is_the_production_hasher() -> None:
    from shian import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert get_hasher("argon2").algorithm == "argon2"


@pytest.mark.django_db
def test_login_page_logs_in(world: World) -> None:
    client = Client()
    r = client.post("/login/", {"username": "district_regulator", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/"
    assert "蓬江区" in client.get("/").content.decode()


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        r = client.post("/login/", {"username": "district_regulator", "password": "wrong"})
    r = client.post("/login/", {"username": "district_regulator", "password": PASSWORD})
    assert r.status_code == 429
    assert Client().get("/").status_code == 302


@pytest.mark.django_db
def test_security_headers(world: World) -> None:
    r = world.client("city_regulator").get("/operators/")
    assert "default-src 'self'" in r["Content-Security-Policy"]
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["X-Request-ID"]
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY


@pytest.mark.django_db
def test_apikey_command_prints_key_once_and_stores_hash(world: World) -> None:
    out = io.StringIO()
    call_command("apikey", "create", "--org", "JM-SJ", stdout=out, stderr=io.StringIO())
    secret = out.getvalue().strip()
    key = ApiKey.objects.get()
    assert key.key_hash == hash_key(secret) and secret not in key.key_hash
    r = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/operators")
    assert r.json()["count"] == 3
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("apikey", "create", "--org", "NOPE", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db
def test_revoked_key_is_refused(world: World) -> None:
    from shian.accounts.services import apikey_create, apikey_revoke

    key, secret = apikey_create(org_code="JM-SJ")
    apikey_revoke(key=key)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/operators").status_code == 401


@pytest.mark.django_db
def test_session_api_writes_need_csrf(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["city_regulator"])
    r = client.post("/api/v1/operators", data="{}", content_type="application/json")
    assert r.status_code in (401, 403)
