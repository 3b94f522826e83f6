"""Top-ups through the simulated card provider, and the wallet transfer API."""

from __future__ import annotations

import asyncio

import pytest

from app.errors import UserError
from app.gifts import topups, wallet
from app.gifts.models import EntryKind, LedgerEntry, TopUp
from app.gifts.seed import seed_gifts
from app.gifts.services import list_gifts
from app.payments.cards import DECLINED_TEST_CARD, luhn_ok, normalize_card
from tests.gifts.helpers import assert_ledger_sound, fund, ledger_state, make_user

pytestmark = pytest.mark.usefixtures("app")
CARD = "4242 4242 4242 4242"


async def test_top_up_credits_the_pack_against_the_external_wallet() -> None:
    user = await make_user("ana@example.com", "Ana")
    result = await topups.top_up(user, "coins-300", CARD, "buy-1")
    assert not result.replayed
    assert result.top_up.coins == 300
    assert result.top_up.amount_cents == 499 and result.top_up.currency == "USD"
    assert result.top_up.card_last4 == "4242"
    assert await wallet.balance_of(user.id) == 300
    external = await wallet.get_system_wallet(wallet.SYSTEM_EXTERNAL)
    assert external.balance == -300
    entries = await LedgerEntry.filter(transaction_id=result.top_up.transaction_id)
    assert sorted(e.delta for e in entries) == [-300, 300]
    assert {e.kind for e in entries} == {EntryKind.TOPUP}
    await assert_ledger_sound()


async def test_retried_top_up_is_charged_once_even_concurrently() -> None:
    user = await make_user("ana@example.com", "Ana")
    results = await asyncio.gather(
        *(topups.top_up(user, "coins-60", CARD, "same-key") for _ in range(6))
    )
    assert len({r.top_up.id for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    assert await wallet.balance_of(user.id) == 60
    assert await TopUp.all().count() == 1
    with pytest.raises(UserError) as err:
        await topups.top_up(user, "coins-980", CARD, "same-key")
    assert err.value.code == "IDEMPOTENCY_MISMATCH"
    await assert_ledger_sound()


async def test_declined_and_invalid_cards_change_nothing() -> None:
    user = await make_user("ana@example.com", "Ana")
    before = await ledger_state()
    with pytest.raises(UserError) as err:
        await topups.top_up(user, "coins-60", DECLINED_TEST_CARD, "k1")
    assert (err.value.code, err.value.field) == ("PAYMENT_DECLINED", "cardNumber")
    for bad in ("1234", "4242 4242 4242 4241", "not a card"):
        with pytest.raises(UserError) as err:
            await topups.top_up(user, "coins-60", bad, "k2")
        assert err.value.code == "INVALID_CARD"
    with pytest.raises(UserError) as err:
        await topups.top_up(user, "coins-7", CARD, "k3")
    assert err.value.code == "NOT_FOUND"
    assert await TopUp.all().count() == 0
    assert await wallet.balance_of(user.id) == 0
    balances, rows = await ledger_state()
    assert rows == before[1]
    assert all(b == 0 for b in balances.values())
    # The declined key is not used up: with a good card it goes through.
    assert (await topups.top_up(user, "coins-60", CARD, "k1")).top_up.coins == 60


async def test_frozen_wallet_cannot_top_up_and_top_ups_are_limited() -> None:
    user = await make_user("ana@example.com", "Ana")
    await wallet.set_frozen(user.id)
    with pytest.raises(UserError) as err:
        await topups.top_up(user, "coins-60", CARD, "f")
    assert err.value.code == "WALLET_FROZEN"
    await wallet.set_frozen(user.id, False)
    for i in range(topups.MAX_TOPUPS_PER_HOUR):
        await topups.top_up(user, "coins-60", CARD, f"k{i}")
    with pytest.raises(UserError) as err:
        await topups.top_up(user, "coins-60", CARD, "one-more")
    assert err.value.code == "TOO_MANY_TOPUPS"
    assert await wallet.balance_of(user.id) == 60 * topups.MAX_TOPUPS_PER_HOUR


def test_card_checks() -> None:
    assert luhn_ok("4242424242424242") and not luhn_ok("4242424242424241")
    assert normalize_card("4000-0000-0000-0002") == "4000000000000002"


async def test_transfer_api_for_other_domains() -> None:
    """debit / credit / transfer / reverse as commerce uses them."""
    from tortoise.transactions import in_transaction

    buyer = await make_user("buyer@example.com", "Buyer")
    seller = await make_user("seller@example.com", "Seller")
    await fund(buyer, 500)

    # Paying inside the caller's transaction: a failure later rolls the payment back.
    with pytest.raises(RuntimeError):
        async with in_transaction() as conn:
            await wallet.debit(
                buyer.id, 200, EntryKind.ORDER_PAYMENT, "order:1", "order:1", connection=conn
            )
            raise RuntimeError("order failed after payment")
    assert await wallet.balance_of(buyer.id) == 500

    paid = await wallet.debit(buyer.id, 200, EntryKind.ORDER_PAYMENT, "order:1", "order:1")
    again = await wallet.debit(buyer.id, 200, EntryKind.ORDER_PAYMENT, "order:1", "order:1")
    assert again.replayed and again.transaction_id == paid.transaction_id
    assert await wallet.balance_of(buyer.id) == 300
    assert (await wallet.get_system_wallet(wallet.SYSTEM_PLATFORM)).balance == 200
    with pytest.raises(UserError) as err:
        await wallet.debit(buyer.id, 201, EntryKind.ORDER_PAYMENT, "order:1", "order:1")
    assert err.value.code == "IDEMPOTENCY_MISMATCH"

    refund = await wallet.reverse(paid.transaction_id, "refund:1", kind=EntryKind.REFUND)
    assert refund.coins == 200
    assert (await wallet.reverse(paid.transaction_id, "refund:1")).replayed
    assert await wallet.balance_of(buyer.id) == 500

    # user → user, with distinct kinds per side; not enough coins changes nothing.
    moved = await wallet.transfer(
        buyer.id,
        seller.id,
        120,
        EntryKind.ORDER_PAYMENT,
        "order:2",
        credit_kind=EntryKind.ADJUSTMENT,
    )
    assert (moved.debit.delta, moved.credit.delta) == (-120, 120)
    assert (moved.debit.balance_after, moved.credit.balance_after) == (380, 120)
    before = await ledger_state()
    with pytest.raises(UserError) as err:
        await wallet.transfer(seller.id, buyer.id, 121, EntryKind.ADJUSTMENT, "x")
    assert err.value.code == "INSUFFICIENT_COINS"
    with pytest.raises(UserError) as err:
        await wallet.transfer(seller.id, buyer.id, 0, EntryKind.ADJUSTMENT, "x")
    assert err.value.code == "INVALID_AMOUNT"
    with pytest.raises(UserError) as err:
        await wallet.transfer(seller.id, seller.id, 1, EntryKind.ADJUSTMENT, "x")
    assert err.value.code == "INVALID_TRANSFER"
    # The seller spent the coins: reversing the sale cannot push them below zero.
    await wallet.debit(seller.id, 100, EntryKind.ORDER_PAYMENT, "order:3")
    before = await ledger_state()
    with pytest.raises(UserError) as err:
        await wallet.reverse(moved.transaction_id, "refund:2")
    assert err.value.code == "INSUFFICIENT_COINS"
    assert await ledger_state() == before

    # A caller may catch the error inside its own transaction (savepoint) and go on.
    async with in_transaction():
        with pytest.raises(UserError):
            await wallet.debit(seller.id, 10_000, EntryKind.ORDER_PAYMENT, "order:4")
        await wallet.debit(seller.id, 20, EntryKind.ORDER_PAYMENT, "order:4")
    assert await wallet.balance_of(seller.id) == 0
    await assert_ledger_sound()


async def test_opposite_transfers_do_not_deadlock() -> None:
    a = await make_user("a@example.com", "A")
    b = await make_user("b@example.com", "B")
    await fund(a, 1000)
    await fund(b, 1000)
    moves = [
        wallet.transfer(a.id, b.id, 3, EntryKind.ADJUSTMENT, "ab")
        if i % 2
        else wallet.transfer(b.id, a.id, 2, EntryKind.ADJUSTMENT, "ba")
        for i in range(40)
    ]
    await asyncio.wait_for(asyncio.gather(*moves), 30)
    assert await wallet.balance_of(a.id) == 1000 - 20 * 3 + 20 * 2
    assert await wallet.balance_of(b.id) == 1000 + 20 * 3 - 20 * 2
    await assert_ledger_sound()


async def test_seed_gives_the_demo_viewer_coins_once(settings) -> None:  # type: ignore[no-untyped-def]
    viewer = await make_user("viewer@demo.livemart", "Leo Viewer")
    users = {"viewer@demo.livemart": viewer}
    first = await seed_gifts(settings, users)
    second = await seed_gifts(settings, users)
    assert "2000" in first and first == second
    assert await wallet.balance_of(viewer.id) == 2000
    assert len(await list_gifts()) == 4
    await assert_ledger_sound()
