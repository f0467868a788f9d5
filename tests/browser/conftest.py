"""Browser tests: Debian's Chromium driven by Playwright against the app served on 127.0.0.1."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (never Playwright's own download)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)  # two cores shared with the rest of the suite
    yield context.new_page()
    context.close()


def screenshot(page, name: str) -> Path:
    """Keep a screenshot of the whole page as a test artefact, to be read by eye."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^a-zA-Z0-9_-]', '_', name)}.jpg"
    # JPEG, not PNG: Chromium encodes a long page's PNG in ~340 ms and its JPEG in ~155 (the same size on disk, text
    # still legible), and the browser tests keep ~110 of them a run.
    page.screenshot(path=str(path), full_page=True, type="jpeg", quality=85)
    return path


def sign_in(page, base: str, username: str, password: str = "password-123") -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{base}/")
