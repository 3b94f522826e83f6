"""Coins are priced at the coin packs' rate: an order never costs more in coins than in
cash, and the cheaper way to pay is offered first."""

from __future__ import annotations

from app.commerce import orders
from app.gifts import coin_price
from app.gifts.topups import COIN_PACKS, CoinPack


def test_the_rate_is_the_dearest_packs() -> None:
    rate = coin_price.coin_rate()
    assert (rate.coins, rate.cents) == (300, 499)  # 300 coins for $4.99
    packs = (CoinPack("a", 100, 100), CoinPack("b", 100, 200))
    assert coin_price.coin_rate(packs) == coin_price.CoinRate(100, 200)


def test_a_15_dollar_order_costs_coins_worth_no_more_than_15_dollars() -> None:
    coins = orders.coins_for(1500, "USD")
    assert coins == 902  # was 1500 coins, ~$25 of coins
    assert orders.coins_cash_value(coins, "USD") == 1500
    for pack in COIN_PACKS:  # whichever pack the coins came from, they cost <= $15.00
        assert coins * pack.price_cents / pack.coins <= 1500.5
    assert orders.coins_for(0, "USD") == 0
    assert orders.coins_for(1, "USD") == 1  # rounded up to a whole coin
    assert coin_price.cents_for_coins(300) == 499


def test_coins_first_only_when_the_wallet_holds_them() -> None:
    assert orders.payment_methods(1500, "USD", 902) == ("coins", "card")
    assert orders.payment_methods(1500, "USD", 901) == ("card", "coins")
    assert orders.payment_methods(1500, "USD", 0) == ("card", "coins")
