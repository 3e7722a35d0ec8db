"""A district regulator logs in through the real form, finds an operator and reads its dossier on a phone.

Drives Debian's chromium (/usr/bin/chromium) through Playwright against pytest-django's live
server. Skipped when chromium is missing, except under CI, where that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSWORD, World, build_world

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: Any, django_db_serialized_rollback: Any) -> World:
    """The conftest world, committed so that the live server's thread sees it.

    Transactional tests end by emptying every table, seed rows from data migrations (the
    audit chain head, categories) included; a serialized rollback puts those back first.
    """
    return build_world()


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        msg = f"{CHROMIUM} not found: browser test skipped (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI"):
            pytest.fail(msg + "; CI must run it")
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; Django's ORM would
    # refuse to run here (the transactional_db teardown flushes the database).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def test_district_regulator_finds_operator_and_reads_dossier_on_a_phone(live_server: Any, live_world: World, browser: Any) -> None:
    op1, op3 = live_world.op1, live_world.op3
    base = live_server.url
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    stylesheets: list[tuple[str, int]] = []
    page.on("response", lambda r: stylesheets.append((r.url, r.status)) if r.request.resource_type == "stylesheet" else None)

    # Log in through the real form (django-axes authenticates the request).
    page.goto(f"{base}/login/")
    page.fill("#id_username", "district_regulator")
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert page.locator("h1").first.is_visible()

    # Operator list, search, open the result.
    page.click("header a[href='/operators/']")
    page.wait_for_url(f"{base}/operators/")
    page.fill("input[name=q]", "甲餐饮")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/operators/?q=*")
    results = page.locator("table tbody a")
    assert results.count() == 1
    assert results.first.inner_text() == op1.name
    results.first.click()
    page.wait_for_url(f"{base}/operators/{op1.pk}/")

    # The dossier: name, USCC, licences.
    assert page.locator("h1").inner_text().startswith(op1.name)
    assert op1.uscc in page.locator("dl.facts").inner_text()
    licences = page.locator("section#licences")
    assert licences.is_visible()
    assert "JY14407030000011" in licences.inner_text()

    # The page is styled (an unstyled page would fail the phone check below for the wrong reason).
    assert stylesheets, "the dossier page loaded no stylesheet"
    assert all(status == 200 for _, status in stylesheets), f"stylesheet not served: {stylesheets}"

    # On a phone: nothing wider than the screen.
    page.set_viewport_size(PHONE)
    page.reload()
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "dossier-mobile.png"), full_page=True)
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width + 1, f"horizontal overflow on a phone: {scroll_width}px content in a {inner_width}px window"

    # Another district's operator is not found (its existence is not revealed).
    response = page.goto(f"{base}/operators/{op3.pk}/")
    assert response is not None
    assert response.status == 404
    assert op3.name not in page.content()
    assert page.locator("h1").is_visible()

    context.close()
