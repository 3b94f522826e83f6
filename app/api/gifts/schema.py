"""Coin and gift queries and mutations: the catalog, the viewer's wallet, coin packs,
room leaderboards, topping up and sending gifts (both idempotent per client key)."""

from __future__ import annotations

import strawberry

from app.api import errors
from app.api.context import Info
from app.api.gifts.types import (
    CoinPackType,
    GifterRankType,
    GiftSendType,
    GiftType,
    LedgerEntryKindEnum,
    LedgerEntryType,
    TopUpType,
    WalletType,
)
from app.api.ids import decode_id
from app.api.pagination import Connection, paginate
from app.errors import UserError
from app.gifts import services as gifts
from app.gifts import topups, wallet
from app.rooms import services as rooms


@errors.payload
class TopUpPayload:
    top_up: TopUpType | None = None
    wallet: WalletType | None = None
    replayed: bool = strawberry.field(
        default=False, description="True when this key was used before: nothing was charged."
    )


@errors.payload
class SendGiftPayload:
    gift_send: GiftSendType | None = None
    wallet: WalletType | None = None
    replayed: bool = strawberry.field(
        default=False, description="True when this key was used before: nothing was charged."
    )


def _decode_pack(value: str) -> str:
    try:
        gid = strawberry.relay.GlobalID.from_id(value)
    except (strawberry.relay.GlobalIDValueError, ValueError, TypeError):
        raise UserError("INVALID_ID", "not a valid ID", "packId") from None
    if gid.type_name != "CoinPack":
        raise UserError("INVALID_ID", "expected the ID of a CoinPack", "packId")
    return gid.node_id


@strawberry.type
class Query:
    @errors.field(description="The gift catalog, cheapest first.")
    async def gifts(self, first: int = 50, after: str | None = None) -> Connection[GiftType]:
        return await paginate(gifts.gifts_query(), first, after, GiftType.from_model)

    @strawberry.field(description="The viewer's coin wallet, or null when anonymous.")
    async def wallet(self, info: Info) -> WalletType | None:
        user = info.context.principal.user
        if user is None:
            return None
        return WalletType.from_model(await wallet.get_wallet(user.id))

    @strawberry.field(description="The coin packs on sale.")
    def coin_packs(self) -> list[CoinPackType]:
        return [CoinPackType.from_pack(p) for p in topups.coin_packs()]

    @errors.field(description="A room's top gifters by coins, best first.")
    async def gift_leaderboard(
        self, room_id: strawberry.ID, first: int = 10
    ) -> list[GifterRankType]:
        room = await rooms.get_room(decode_id(room_id, "Room", "roomId"))
        if not 0 <= first <= 100:
            raise UserError("INVALID_PAGE_SIZE", "first must be between 0 and 100", "first")
        return [GifterRankType.from_entry(e) for e in await gifts.leaderboard(room.id, first)]


@strawberry.type
class Mutation:
    @errors.mutation(
        description="Buy a coin pack by card. Send a fresh idempotencyKey per purchase; "
        "retrying with the same key charges once."
    )
    async def top_up_coins(
        self, info: Info, pack_id: strawberry.ID, card_number: str, idempotency_key: str
    ) -> TopUpPayload:
        user = info.context.principal.require_user()
        result = await topups.top_up(user, _decode_pack(pack_id), card_number, idempotency_key)
        return TopUpPayload(
            top_up=TopUpType.from_model(result.top_up),
            wallet=WalletType.from_model(await wallet.get_wallet(user.id)),
            replayed=result.replayed,
        )

    @errors.mutation(
        description="Send gifts to a live room's streamer, paid in coins. Send a fresh "
        "idempotencyKey per tap; retrying with the same key charges once."
    )
    async def send_gift(
        self,
        info: Info,
        room_id: strawberry.ID,
        gift_id: strawberry.ID,
        idempotency_key: str,
        quantity: int = 1,
    ) -> SendGiftPayload:
        user = info.context.principal.require_user()
        result = await gifts.send_gift(
            user,
            decode_id(room_id, "Room", "roomId"),
            decode_id(gift_id, "Gift", "giftId"),
            quantity,
            idempotency_key,
        )
        return SendGiftPayload(
            gift_send=GiftSendType.from_model(result.gift_send),
            wallet=WalletType.from_model(await wallet.get_wallet(user.id)),
            replayed=result.replayed,
        )


__all__ = ["LedgerEntryKindEnum", "LedgerEntryType", "Mutation", "Query"]
