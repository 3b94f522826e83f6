"""Per-request DataLoaders for accounts: users by id, as GraphQL ``User`` objects (the
owner, merchant, buyer, sender or decider of a whole list in one query)."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from app.accounts import services as accounts
from app.api.accounts.types import UserType
from app.api.context import Info
from app.api.loaders import keyed


async def _users(ids: list[int]) -> dict[int, UserType]:
    return {uid: UserType.from_model(user) for uid, user in (await accounts.get_users(ids)).items()}


def user_loader(info: Info) -> DataLoader[int, UserType | None]:
    return keyed(info, "accounts.users", _users)
