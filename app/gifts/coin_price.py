"""What a coin is worth in money: one rate for every price shown or charged in coins.

Coins are sold in packs (:data:`app.gifts.topups.COIN_PACKS`); a coin is valued at the
dearest pack's price per coin, so paying an order with coins never costs more than paying
it in cash, whichever pack the coins came from (a $15 order is 902 coins, bought for at
most $15.00). Orders, auctions' funds rule, pages and the API all price coins here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.gifts.topups import COIN_PACKS, CoinPack


@dataclass(frozen=True)
class CoinRate:
    """``coins`` coins are worth ``cents`` minor units."""

    coins: int
    cents: int


def coin_rate(packs: tuple[CoinPack, ...] = COIN_PACKS) -> CoinRate:
    """The rate of the pack that sells coins dearest (most money per coin)."""
    dearest = max(packs, key=lambda p: p.price_cents / p.coins)
    return CoinRate(dearest.coins, dearest.price_cents)


def coins_for_cents(cents: int, rate: CoinRate | None = None) -> int:
    """Coins that pay ``cents`` minor units (rounded up to a whole coin; 0 for 0)."""
    rate = rate or coin_rate()
    return math.ceil(max(0, int(cents)) * rate.coins / rate.cents)


def cents_for_coins(coins: int, rate: CoinRate | None = None) -> int:
    """What ``coins`` are worth in minor units at the coin rate (rounded down)."""
    rate = rate or coin_rate()
    return max(0, int(coins)) * rate.cents // rate.coins
