"""`app.querycount.count_queries`: statements in and out of transactions, of this task
only, and the connection classes are left as they were."""

from __future__ import annotations

import asyncio

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.accounts.models import User
from app.querycount import count_queries


async def test_counts_statements_in_and_out_of_transactions(app: object) -> None:
    connection = Tortoise.get_connection("default")
    before = {name: getattr(type(connection), name) for name in ("execute_query",)}
    with count_queries() as sql:
        await User.filter(id=0).exists()
        async with in_transaction():
            await User.filter(id=0).exists()
            await User.filter(id=0).update(display_name="nobody")
    assert sql.count == 3, sql.statements
    assert {name: getattr(type(connection), name) for name in before} == before


async def test_other_tasks_are_not_counted(app: object) -> None:
    async def elsewhere() -> None:
        await User.filter(id=0).exists()

    task = asyncio.get_running_loop().create_task(elsewhere())  # started outside the block
    with count_queries() as sql:
        await task
    assert sql.count == 0
