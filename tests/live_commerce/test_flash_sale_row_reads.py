"""A storm's buyers who find no fresh copy of the sale's row wait for one read of it, not
one each; a sale that changes meanwhile is read again (its stale copy is not kept)."""

from __future__ import annotations

import asyncio

import pytest

from app.commerce import flash_sales
from app.errors import NotFound
from app.querycount import count_queries
from tests.live_commerce.conftest import Shop


async def _started(shop: Shop) -> int:
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, price_cents=1500, quantity=10
    )
    flash_sales._forget_sale(sale.id)
    return sale.id


async def test_many_buyers_at_once_read_the_row_once(shop: Shop) -> None:
    sale_id = await _started(shop)
    with count_queries() as reads:
        sales = await asyncio.gather(*(flash_sales._sale_for_buying(sale_id) for _ in range(50)))
    assert {s.id for s in sales} == {sale_id}
    assert len(reads.statements) == 1
    with count_queries() as again:  # fresh now: no read at all
        await flash_sales._sale_for_buying(sale_id)
    assert again.statements == []


async def test_a_caller_giving_up_does_not_cancel_the_others_read(shop: Shop) -> None:
    sale_id = await _started(shop)
    first = asyncio.ensure_future(flash_sales._sale_for_buying(sale_id))
    second = asyncio.ensure_future(flash_sales._sale_for_buying(sale_id))
    await asyncio.sleep(0)
    first.cancel()
    assert (await second).id == sale_id
    assert first.cancelled()


async def test_a_sale_forgotten_during_the_read_is_read_again(shop: Shop) -> None:
    sale_id = await _started(shop)
    under_way = asyncio.ensure_future(flash_sales._sale_for_buying(sale_id))
    await asyncio.sleep(0)
    flash_sales._forget_sale(sale_id)  # the sale changed (it ended, say)
    assert (await under_way).id == sale_id
    with count_queries() as reads:  # the read begun before the change was not kept
        await flash_sales._sale_for_buying(sale_id)
    assert len(reads.statements) == 1


async def test_an_unknown_sale_is_not_found_for_every_waiter(shop: Shop) -> None:
    results = await asyncio.gather(
        *(flash_sales._sale_for_buying(999_999) for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(r, NotFound) for r in results)
    with pytest.raises(NotFound):  # nothing kept: asked again, read again
        await flash_sales._sale_for_buying(999_999)
