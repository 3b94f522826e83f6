"""Per-request DataLoaders for gifts: the catalog's gifts by id (``GiftSend.gift`` of a
whole list in one query; ``GiftSend.room`` uses the rooms' loader)."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from app.api.context import Info
from app.api.loaders import keyed
from app.gifts import services as gifts
from app.gifts.models import Gift


def gifts_by_id(info: Info) -> DataLoader[int, Gift | None]:
    return keyed(info, "gifts.by_id", gifts.get_gifts)
