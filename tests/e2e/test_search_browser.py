"""Search in a real browser: the header link, suggestions while typing (htmx), and the
plain form's results page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.settings import Settings
from tests.conftest import run_async


async def _demo(settings: Settings) -> None:
    from app.db import close_db, init_db
    from app.seed import seed_demo

    await init_db(settings.database_url)
    try:
        await seed_demo(settings, live_rooms=1)  # one FFmpeg is enough here
    finally:
        await close_db()


def test_suggestions_as_you_type_then_the_results_page(
    browser: Any, settings: Settings, server: str, artifacts: Path
) -> None:
    run_async(_demo(settings))
    page = browser.new_page()
    page.goto(server + "/")
    page.click("[data-testid=search-link]")
    page.wait_for_url("**/search")

    page.locator("[data-testid=search-input]").press_sequentially("sneker", delay=30)
    suggestion = page.locator("[data-testid=suggestion-list] a", has_text="Cloudrunner sneakers")
    suggestion.wait_for()
    assert page.url.endswith("/search")  # typed, not submitted: htmx swapped the fragment
    page.screenshot(path=str(artifacts / "search-suggestions.png"))

    page.locator("[data-testid=search-input]").press("Enter")
    page.wait_for_url("**/search?q=sneker*")
    results = page.locator("[data-testid=search-results]")
    results.locator("a", has_text="Cloudrunner sneakers").wait_for()
    suggestion_free = page.locator("[data-testid=suggestion-list]")
    assert suggestion_free.count() == 0
    page.close()
