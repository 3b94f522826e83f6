"""Who may see which ledger entry and top-up: the rules live in ``wallet.visible_entries``
and ``topups.visible_top_ups``; GraphQL's ``node``/``nodes`` only map what they return."""

from __future__ import annotations

import uuid

import pytest

from app.accounts.models import Role
from app.gifts import topups, wallet
from app.gifts.models import LedgerEntry
from tests.gifts.helpers import make_user

pytestmark = pytest.mark.usefixtures("app")
CARD = "4242 4242 4242 4242"


async def test_ledger_entries_and_top_ups_are_their_owners_and_admins() -> None:
    ana = await make_user("ana@example.com", "Ana")
    bob = await make_user("bob@example.com", "Bob")
    admin = await make_user("admin@example.com", "Admin", Role.ADMIN)
    # the simulated card provider remembers keys for the whole process: use a fresh one
    top_up = (await topups.top_up(ana, "coins-60", CARD, uuid.uuid4().hex)).top_up
    entries = await LedgerEntry.filter(transaction_id=top_up.transaction_id)
    ids = [e.id for e in entries]  # ana's credit and the external wallet's debit
    own = [e.id for e in entries if e.delta > 0]

    assert list(await wallet.visible_entries(ids, ana)) == own
    assert sorted(await wallet.visible_entries(ids, admin)) == sorted(ids)
    assert await wallet.visible_entries(ids, bob) == {}
    assert await wallet.visible_entries(ids, None) == {}

    assert list(await topups.visible_top_ups([top_up.id], ana)) == [top_up.id]
    assert list(await topups.visible_top_ups([top_up.id], admin)) == [top_up.id]
    assert await topups.visible_top_ups([top_up.id], bob) == {}
    assert await topups.visible_top_ups([top_up.id], None) == {}
