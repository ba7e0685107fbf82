"""What the end-to-end journeys do alike: signing in through the login form."""

from __future__ import annotations

from playwright.sync_api import Page, expect

DEMO_PASSWORD = "shanzhi-demo"  # every account of the demo data (seeds/)


def log_in(page: Page, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Signs in on the login page and waits for the home page it leads to."""
    page.goto(base + "/login")
    page.fill("#login", username)
    page.fill("#password", password)
    page.locator("main #submit").click()
    expect(page).to_have_url(base + "/")
