"""axe-core (the ``axe-playwright-python`` package, which ships axe.min.js: nothing is
downloaded) on home, a live room, the streamer console, the admin page, a product and the
checkout, at a phone's and a desktop's size: no serious or critical violation. Any new
one fails the test with its rule, the page and the offending elements."""

from __future__ import annotations

from typing import Any

from app.settings import Settings
from tests.conftest import run_async
from tests.e2e.site_pages import DESKTOP, PHONE, seed_pages, signed_in

BLOCKING = ("serious", "critical")


def _blocking(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.response["passes"], "axe checked nothing"  # it did run on the page
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in BLOCKING:
            targets = [" ".join(map(str, n["target"])) for n in violation["nodes"]][:5]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


def test_no_serious_or_critical_accessibility_violations(
    browser: Any, settings: Settings, site: str
) -> None:
    pages = run_async(seed_pages(settings))
    problems: dict[str, list[str]] = {}
    for viewport in (DESKTOP, PHONE):
        for site_page in pages:
            page = signed_in(browser, site, site_page.who, viewport)
            page.goto(site + site_page.path)
            page.wait_for_load_state("load")
            found = _blocking(page)
            if found:
                problems[f"{site_page.name} @ {viewport['width']}px"] = found
            page.context.close()
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())
