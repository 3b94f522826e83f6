"""GraphQL types for coins and gifts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from app.api.accounts.loaders import user_loader
from app.api.accounts.types import UserType
from app.api.context import Info
from app.api.gifts import loaders
from app.api.mapping import from_model, public_nodes, visible_nodes
from app.api.pagination import Connection, paginate
from app.api.rooms.types import RoomType, load_room
from app.gifts import services as gifts
from app.gifts import topups, wallet
from app.gifts.models import EntryKind, Gift, GiftSend, LedgerEntry, TopUp, Wallet

LedgerEntryKindEnum = EntryKind
strawberry.enum(LedgerEntryKindEnum, name="LedgerEntryKind")


@strawberry.type(name="Gift", description="A gift of the catalog, priced in coins.")
class GiftType(relay.Node):
    id: relay.NodeID[int]
    name: str
    coins: int = strawberry.field(description="Price of one, in coins.")
    icon: str

    @classmethod
    def from_model(cls, gift: Gift) -> GiftType:
        return cls(id=gift.id, name=gift.name, coins=gift.coins, icon=gift.icon)

    resolve_nodes = public_nodes(gifts.get_gifts)


@strawberry.type(name="CoinPack", description="A pack of coins to buy by card.")
class CoinPackType(relay.Node):
    id: relay.NodeID[str]
    coins: int
    price_cents: int = strawberry.field(description="Price in minor units of ``currency``.")
    currency: str
    label: str

    @classmethod
    def from_pack(cls, pack: topups.CoinPack) -> CoinPackType:
        return cls(
            id=pack.id,
            coins=pack.coins,
            price_cents=pack.price_cents,
            currency=pack.currency,
            label=pack.label,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[CoinPackType | None]:
        packs = {p.id: p for p in topups.coin_packs()}
        return [cls.from_pack(packs[i]) if i in packs else None for i in node_ids]


@strawberry.type(
    name="LedgerEntry",
    description="One change of a wallet's balance; entries of one transfer share a transactionId.",
)
class LedgerEntryType(relay.Node):
    id: relay.NodeID[int]
    delta: int = strawberry.field(description="Coins added (positive) or taken (negative).")
    balance_after: int
    kind: LedgerEntryKindEnum
    ref: str = strawberry.field(description='What it was for, e.g. "gift:12" or "topup:3".')
    transaction_id: str
    created_at: datetime

    @classmethod
    def from_model(cls, entry: LedgerEntry) -> LedgerEntryType:
        return from_model(
            cls,
            entry,
            kind=LedgerEntryKindEnum(entry.kind),
            transaction_id=str(entry.transaction_id),
        )

    resolve_nodes = visible_nodes(wallet.visible_entries)


@strawberry.type(name="Wallet", description="The viewer's coins and their ledger.")
class WalletType:
    balance: int
    frozen: bool
    updated_at: datetime
    _wallet_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, account: Wallet) -> WalletType:
        return from_model(cls, account, _wallet_id=account.id)

    @strawberry.field(description="Ledger entries, newest first.")
    async def entries(
        self, first: int = 20, after: str | None = None
    ) -> Connection[LedgerEntryType]:
        return await paginate(
            wallet.ledger_query(self._wallet_id), first, after, LedgerEntryType.from_model
        )


@strawberry.type(name="TopUp", description="A coin pack bought by card.")
class TopUpType(relay.Node):
    id: relay.NodeID[int]
    coins: int
    amount_cents: int
    currency: str
    card_last4: str
    created_at: datetime
    _pack_id: strawberry.Private[str]

    @strawberry.field
    def pack(self) -> CoinPackType | None:
        packs = {p.id: p for p in topups.coin_packs()}
        return CoinPackType.from_pack(packs[self._pack_id]) if self._pack_id in packs else None

    @classmethod
    def from_model(cls, top_up: TopUp) -> TopUpType:
        return from_model(cls, top_up)

    resolve_nodes = visible_nodes(topups.visible_top_ups)


@strawberry.type(name="GiftSend", description="Gifts a viewer sent to a room's streamer.")
class GiftSendType(relay.Node):
    id: relay.NodeID[int]
    quantity: int
    coins: int = strawberry.field(description="Coins paid in all (price × quantity).")
    created_at: datetime
    _sender_id: strawberry.Private[int]
    _room_id: strawberry.Private[int]
    _gift_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, send: GiftSend) -> GiftSendType:
        return from_model(cls, send)

    @strawberry.field
    async def sender(self, info: Info) -> UserType | None:
        return await user_loader(info).load(self._sender_id)

    @strawberry.field
    async def gift(self, info: Info) -> GiftType | None:
        found = await loaders.gifts_by_id(info).load(self._gift_id)
        return GiftType.from_model(found) if found else None

    @strawberry.field
    async def room(self, info: Info) -> RoomType | None:
        return await load_room(info, self._room_id)

    resolve_nodes = public_nodes(gifts.get_gift_sends)


@strawberry.type(name="GifterRank", description="A place on a room's gifter leaderboard.")
class GifterRankType:
    rank: int
    coins: int = strawberry.field(description="Coins this user has gifted in the room.")
    _user_id: strawberry.Private[int]

    @strawberry.field
    async def user(self, info: Info) -> UserType | None:
        return await user_loader(info).load(self._user_id)

    @classmethod
    def from_entry(cls, entry: gifts.LeaderboardEntry) -> GifterRankType:
        return cls(rank=entry.rank, coins=entry.coins, _user_id=entry.user_id)
