"""The home, room and checkout pages in Simplified Chinese: a browser whose locale is zh-CN
(so it sends ``Accept-Language: zh-CN``) and whose clock is in Shanghai gets them in Chinese,
money in the Chinese format and the page's time zone from the browser; screenshots at
390x844 and 1366x900 into ``tests/e2e/artifacts/zh-CN-<page>-<width>.png``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.settings import Settings
from tests.conftest import run_async
from tests.e2e.site_pages import DESKTOP, PHONE, seed_pages, signed_in

EXPECTED = {"home": "正在直播", "room": "弹幕", "checkout": "结算"}


def _chinese_page(browser: Any, base: str, who: str | None, viewport: dict[str, int]) -> Any:
    return signed_in(
        browser, base, who, viewport, timeout=20_000, locale="zh-CN", timezone_id="Asia/Shanghai"
    )


def test_home_room_and_checkout_in_chinese(
    browser: Any, settings: Settings, site: str, artifacts: Path
) -> None:
    pages = {p.name: p for p in run_async(seed_pages(settings)) if p.name in EXPECTED}
    for viewport in (PHONE, DESKTOP):
        for name, site_page in pages.items():
            page = _chinese_page(browser, site, site_page.who, viewport)
            page.goto(site + site_page.path)
            page.wait_for_load_state("load")
            assert page.evaluate("document.documentElement.lang") == "zh-CN"
            text = page.inner_text("body")
            assert EXPECTED[name] in text, f"{name} is not in Chinese"
            assert "Log in" not in text and "Search" not in text
            if name == "checkout":
                assert "US$" in text  # money in the Chinese format
            shot = artifacts / f"zh-CN-{name}-{viewport['width']}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 1000
            # the browser reported its zone for the next pages
            assert any(
                c["name"] == "lm_tz" and c["value"] == "Asia%2FShanghai"
                for c in page.context.cookies()
            )
            page.context.close()
