"""Reading orders: who may see which order, the buyer's and the merchant's lists, and
batch lookups for the GraphQL loaders."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from app.accounts.models import Role, User
from app.commerce.models import Order, OrderItem, OrderStatus, Payment
from app.errors import NotFound, PermissionDenied, UserError


def is_admin(user: User) -> bool:
    return user.role == Role.ADMIN


def may_see_order(viewer: User | None, order: Order) -> bool:
    """Who may see an order: its buyer, its merchant and admins."""
    return viewer is not None and (
        viewer.id in (order.buyer_id, order.merchant_id) or is_admin(viewer)
    )


async def get_order(user: User, order_id: int) -> Order:
    """An order its buyer, its merchant or an admin may see (NOT_FOUND for others)."""
    order = await Order.get_or_none(id=order_id)
    if order is None or not may_see_order(user, order):
        raise NotFound("order", "orderId")
    return order


async def visible_orders(ids: list[int], viewer: User | None) -> dict[int, Order]:
    """The orders of ``ids`` that ``viewer`` may see (:func:`may_see_order`), by id."""
    if viewer is None:
        return {}
    found = await get_orders(ids)
    return {oid: order for oid, order in found.items() if may_see_order(viewer, order)}


async def buyer_order(user: User, order_id: int) -> Order:
    order = await get_order(user, order_id)
    if order.buyer_id != user.id:
        raise PermissionDenied("only the buyer can do this")
    return order


async def merchant_order(user: User, order_id: int) -> Order:
    order = await get_order(user, order_id)
    if order.merchant_id != user.id and not is_admin(user):
        raise PermissionDenied("only the merchant can do this")
    return order


def _status_filter(query: QuerySet[Order], status: str | None) -> QuerySet[Order]:
    if status:
        try:
            query = query.filter(status=OrderStatus(status.lower()))
        except ValueError:
            raise UserError("INVALID_STATUS", "unknown order status", "status") from None
    return query


def buyer_orders_query(user: User, status: str | None = None) -> QuerySet[Order]:
    """The buyer's orders, newest first."""
    return _status_filter(Order.filter(buyer_id=user.id), status).order_by("-created_at", "-id")


def merchant_orders_query(user: User, status: str | None = None) -> QuerySet[Order]:
    """The merchant's orders (sales), newest first."""
    return _status_filter(Order.filter(merchant_id=user.id), status).order_by("-created_at", "-id")


async def room_order_count(room_id: int) -> int:
    """Orders placed in a room that still stand (not cancelled, expired or refunded)."""
    gone = (OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.REFUNDED)
    return await Order.filter(room_id=room_id).exclude(status__in=gone).count()


async def items_for_orders(order_ids: list[int]) -> dict[int, list[OrderItem]]:
    found: dict[int, list[OrderItem]] = {oid: [] for oid in order_ids}
    for item in await OrderItem.filter(order_id__in=list(order_ids)).order_by("id"):
        found.setdefault(item.order_id, []).append(item)
    return found


async def payments_for_orders(order_ids: list[int]) -> dict[int, list[Payment]]:
    found: dict[int, list[Payment]] = {oid: [] for oid in order_ids}
    for payment in await Payment.filter(order_id__in=list(order_ids)).order_by("id"):
        found.setdefault(payment.order_id, []).append(payment)
    return found


async def get_orders(ids: list[int]) -> dict[int, Order]:
    return {o.id: o for o in await Order.filter(id__in=list(ids))}
