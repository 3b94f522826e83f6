"""The experiments admin page and the console's coupon advisor in a real browser, with
screenshots at phone (390x844) and desktop (1366x900) sizes in tests/e2e/artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.settings import Settings
from tests.conftest import run_async
from tests.e2e.site_pages import signed_in

PASSWORD = "correct-horse-42"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


async def _setup(settings: Settings) -> int:
    from app.accounts import services as accounts
    from app.accounts.models import Role
    from app.db import close_db, init_db
    from app.rooms import services as rooms

    await init_db(settings.database_url)
    try:
        await accounts.create_user("mod@example.com", PASSWORD, "Moddy Admin", Role.MODERATOR)
        shop = await accounts.create_user("shop@example.com", PASSWORD, "Shop Owner", Role.STREAMER)
        room = await rooms.create_room(shop, "Sneaker drop")
        room = await rooms.open_room(shop, room.id)
        return room.id
    finally:
        await close_db()


def _login(browser: Any, base: str, email: str, viewport: dict[str, int]) -> Any:
    return signed_in(browser, base, email, viewport, password=PASSWORD)


def test_experiments_admin_and_coupon_advisor(
    browser: Any, settings: Settings, site: str, artifacts: Path
) -> None:
    server = site  # given two minutes to start on a busy machine
    room_id = run_async(_setup(settings))
    for size, viewport in VIEWPORTS.items():
        page = _login(browser, server, "mod@example.com", viewport)
        page.goto(server + "/admin/experiments")
        page.fill("[name=key]", f"rerank-{size}")
        page.fill("[name=name]", "Predicted re-rank of recommendations")
        page.select_option("[name=kind]", "recs")
        page.fill("[name=hypothesis]", "Ordering by P(purchase) lifts CVR.")
        page.click("[data-testid=new-experiment] button[type=submit]")
        page.wait_for_selector("[data-testid=experiment-results]")
        page.click("[data-testid=experiment-start]")
        page.wait_for_selector("[data-testid=experiment-notice]")
        assert page.locator("[data-testid=experiment-status]").inner_text() == "running"
        assert page.locator("[data-testid=not-enough-data]").is_visible()
        page.screenshot(path=str(artifacts / f"experiment-{size}.png"), full_page=True)
        page.goto(server + "/admin/experiments")
        page.wait_for_selector("[data-testid=experiments]")
        page.screenshot(path=str(artifacts / f"experiments-{size}.png"), full_page=True)
        page.click(f"text=rerank-{size}")  # stop it: one recommendation experiment runs
        page.click("[data-testid=experiment-stop]")
        page.wait_for_selector("[data-testid=experiment-notice]")
        assert page.locator("[data-testid=experiment-status]").inner_text() == "stopped"
        page.context.close()

        page = _login(browser, server, "shop@example.com", viewport)
        page.goto(server + f"/studio/rooms/{room_id}/shelf")
        options = page.locator("[data-testid=advisor-options]")
        options.wait_for()
        assert options.locator("tr[data-percent]").count() == 5
        assert page.locator("[data-testid=advisor-best]").count() == 1
        assert "no coupon drops" in page.locator("[data-testid=advisor-message]").inner_text()
        options.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"coupon-advisor-{size}.png"), full_page=True)
        page.context.close()
