"""Per-request DataLoaders for live commerce: the viewer's units per flash sale
(``FlashSale.viewerBought`` of a whole list in one query)."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from app.api.context import Info
from app.api.loaders import keyed
from app.commerce import flash_sales


def viewer_bought(info: Info) -> DataLoader[int, int]:
    """Sale id -> units the request's viewer holds in it."""
    viewer = info.context.principal.user

    async def fetch(sale_ids: list[int]) -> dict[int, int]:
        return await flash_sales.bought_by(viewer, sale_ids)

    return keyed(info, "live_commerce.viewer_bought", fetch, 0)
