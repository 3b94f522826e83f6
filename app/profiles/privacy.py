"""A user's data: export all of it as JSON, or delete the account.

Both walk the models instead of a hand-kept list, so a table added later is covered:
every table with a foreign key to ``User`` (rows where that key is the user), and the
rows that belong to those rows through :data:`CHILD_TABLES` (ledger entries of the
user's wallet, tags of their profile, items of their carts and orders).

Deleting an account keeps the records money depends on (:data:`KEPT_TABLES`: the wallet
and its ledger entries, orders, payments, gift sends, top-ups, coupon redemptions, the
streamer's catalogue and rooms others bought in) but points them at an anonymised user
row: the e-mail, name, password and every other text of that row are replaced, the
shipping addresses of their orders are wiped, and every other row that referred to
them (sessions, tokens, chat messages, follows, interactions, visits, the profile…) is
deleted. Ledger entries are never changed, so every wallet's entries still add up to
its balance and every transfer still sums to zero.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise import Tortoise
from tortoise.fields.relational import ForeignKeyFieldInstance, OneToOneFieldInstance
from tortoise.models import Model
from tortoise.transactions import in_transaction

from app.accounts.models import LoginAttempt, OutboxMessage, User
from app.accounts.passwords import verify_in_worker
from app.errors import UserError

#: Fields never exported (secrets, even the user's own: hashes and stream keys).
SECRET_FIELDS = frozenset({"password_hash", "token_hash", "stream_key", "secret"})
#: Tables whose rows stay when an account is deleted (pointing at the anonymised user).
KEPT_TABLES = frozenset(
    {
        "wallets",
        "ledger_entries",
        "topups",
        "gift_sends",
        "orders",
        "order_items",
        "payments",
        "payment_outbox",
        "coupon_redemptions",
        "coupons",
        "products",
        "variants",
        "product_images",
        "rooms",
        "audit_log",
        "fraud_flags",
        "flash_sale_claims",
        "auctions",
        "bids",
    }
)
#: JSON fields wiped on the kept rows (they hold addresses).
WIPED_FIELDS = frozenset({"shipping"})
#: Parents whose child rows are the user's too: (parent table, child tables follow).
#: Keys that make the user the seller, not the buyer: a buyer's address stays on their order.
SELLER_KEYS = frozenset({"merchant", "owner", "streamer"})
CHILD_TABLES = frozenset({"wallets", "profiles", "carts", "orders"})
DELETED_NAME = "Deleted user"


def _models() -> list[type[Model]]:
    apps = Tortoise.apps
    if apps is None:
        return []
    return [
        m for m in dict(apps.items()).get("models", {}).values() if m._meta.db_table != "aerich"
    ]


def _fks_to(model: type[Model], target: type[Model]) -> list[str]:
    """The names of ``model``'s foreign keys (and one-to-one keys) to ``target``."""
    names = []
    for name in model._meta.fk_fields | model._meta.o2o_fields:
        field = model._meta.fields_map[name]
        if isinstance(field, ForeignKeyFieldInstance | OneToOneFieldInstance):
            if field.related_model is target:
                names.append(name)
    return names


def user_tables() -> dict[str, list[str]]:
    """Every table with a key to ``User``: table → its key fields."""
    return {
        m._meta.db_table: _fks_to(m, User) for m in _models() if m is not User and _fks_to(m, User)
    }


@dataclass
class _Found:
    model: type[Model]
    rows: list[dict[str, Any]]


def _q(fields: Iterable[str], value: Any) -> Any:
    from tortoise.expressions import Q

    q = Q()
    for i, name in enumerate(fields):
        part = Q(**{f"{name}_id__in": value})
        q = part if i == 0 else q | part
    return q


async def _collect(user_id: int) -> dict[str, _Found]:
    found: dict[str, _Found] = {}
    for model in _models():
        keys = _fks_to(model, User)
        if model is User or not keys:
            continue
        rows = await model.filter(_q(keys, [user_id])).order_by(model._meta.pk_attr).values()
        found[model._meta.db_table] = _Found(model, rows)
    parents = {
        t: [r[f.model._meta.pk_attr] for r in f.rows] for t, f in found.items() if t in CHILD_TABLES
    }
    for model in _models():
        table = model._meta.db_table
        for parent_table, ids in parents.items():
            parent = found[parent_table].model
            keys = _fks_to(model, parent)
            if not keys or not ids:
                continue
            rows = await model.filter(_q(keys, ids)).order_by(model._meta.pk_attr).values()
            if table in found:
                pk = model._meta.pk_attr
                seen = {r[pk] for r in found[table].rows}
                found[table].rows += [r for r in rows if r[pk] not in seen]
            else:
                found[table] = _Found(model, rows)
    return found


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in SECRET_FIELDS}


async def export_data(user: User) -> dict[str, Any]:
    """Everything we hold about ``user``: ``{"tables": {table: [rows]}}``, one entry for
    every table with a key to users (empty lists included), secrets left out."""
    me = await User.filter(id=user.id).values()
    tables: dict[str, list[dict[str, Any]]] = {"users": [_clean(r) for r in me]}
    for table, f in sorted((await _collect(user.id)).items()):
        tables[table] = [_clean(r) for r in f.rows]
    tables["login_attempts"] = await LoginAttempt.filter(email=user.email).order_by("id").values()
    tables["outbox"] = await OutboxMessage.filter(to=user.email).order_by("id").values()
    return {
        "exported_at": datetime.now(UTC).isoformat(),
        "user_id": user.id,
        "tables": tables,
    }


def export_json(data: dict[str, Any]) -> str:
    """The export as JSON text (dates ISO 8601, ids and amounts as numbers)."""

    def default(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        return str(value)

    return json.dumps(data, default=default, indent=1, sort_keys=True)


async def delete_account(user: User, password: str) -> None:
    """Delete ``user``'s account after checking their password (``WRONG_PASSWORD``):
    personal rows go, money records stay with an anonymised owner (module docstring)."""
    fresh = await User.get_or_none(id=user.id, is_active=True)
    if fresh is None:
        raise UserError("NOT_FOUND", "this account no longer exists", None)
    if not password or not await verify_in_worker(fresh.password_hash, password):
        raise UserError("WRONG_PASSWORD", "the password is not right", "password")
    email = fresh.email
    found = await _collect(fresh.id)
    async with in_transaction() as conn:
        for table, f in found.items():
            wipe = [n for n in WIPED_FIELDS if n in f.model._meta.fields_map]
            own = [k for k in _fks_to(f.model, User) if k not in SELLER_KEYS]
            if table in KEPT_TABLES and wipe and own:
                await (
                    f.model.filter(_q(own, [fresh.id]))
                    .using_db(conn)
                    .update(**{n: {} for n in wipe})
                )
        # Children first, then what points at the user.
        order = sorted(found.items(), key=lambda kv: kv[0] in CHILD_TABLES)
        for table, f in order:
            if table in KEPT_TABLES or not f.rows:
                continue
            pk = f.model._meta.pk_attr
            ids = [r[pk] for r in f.rows]
            await f.model.filter(**{f"{pk}__in": ids}).using_db(conn).delete()
        await LoginAttempt.filter(email=email).using_db(conn).delete()
        await OutboxMessage.filter(to=email).using_db(conn).delete()
        await User.filter(id=fresh.id).using_db(conn).update(**_anonymous(fresh))


def _anonymous(user: User) -> dict[str, Any]:
    """The values that replace every personal field of the user row."""
    values: dict[str, Any] = {
        "email": f"deleted-{user.id}@deleted.invalid",
        "display_name": DELETED_NAME,
        "password_hash": "!",
        "is_active": False,
    }
    for name, field in User._meta.fields_map.items():
        if name in values or name in ("id", "role", "created_at") or field.pk:
            continue
        kind = type(field).__name__
        if kind in ("CharField", "TextField"):
            values[name] = None if field.null else ""
    return values
