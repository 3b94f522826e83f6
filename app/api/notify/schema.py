"""GraphQL for the notification centre (a thin layer over :mod:`app.notify`, the
services the pages call): the viewer's notifications, unread count and settings, marking
read, the switches and quiet hours, Web Push subscriptions, and ``notificationAdded``."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from app.api import errors
from app.api.context import Info
from app.api.ids import decode_id
from app.api.limits import MAX_IDS
from app.api.notify.feed import feed_for
from app.api.notify.types import (
    NotificationPreferenceInput,
    NotificationPreferencesType,
    NotificationType,
    PushSubscriptionType,
)
from app.api.pagination import Connection, paginate
from app.errors import UserError
from app.events import get_bus
from app.i18n import _
from app.notify import prefs, services
from app.notify.hub import read_changed
from graphql import GraphQLError

MAX_PREFERENCES = 100  # switches one update takes (there are 21)


async def _preferences(user_id: int) -> NotificationPreferencesType:
    return NotificationPreferencesType.of(
        await prefs.preferences(user_id),
        await prefs.quiet_hours(user_id),
        await services.push_subscription_count(user_id),
    )


@errors.payload
class MarkNotificationsReadPayload:
    marked: int | None = strawberry.field(default=None, description="How many were unread.")
    unread_count: int | None = strawberry.field(
        default=None, description="The viewer's unread notifications now."
    )


@errors.payload
class NotificationPreferencesPayload:
    preferences: NotificationPreferencesType | None = None


@errors.payload
class PushSubscriptionPayload:
    push_subscription: PushSubscriptionType | None = None


@errors.payload
class RemovePushSubscriptionPayload:
    removed: bool | None = strawberry.field(
        default=None, description="False: the viewer had no subscription at that endpoint."
    )


@strawberry.type
class Query:
    @errors.field(description="The viewer's in-app notifications, newest first.")
    async def notifications(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        unread_only: bool = False,
    ) -> Connection[NotificationType]:
        user = info.context.principal.require_user(write=False)
        query = services.listing(user.id, unread_only=unread_only)
        return await paginate(query, first, after, NotificationType.from_model)

    @errors.field(description="How many of the viewer's notifications are unread (the bell).")
    async def notification_unread_count(self, info: Info) -> int:
        user = info.context.principal.require_user(write=False)
        return await services.unread_count(user.id)

    @errors.field(description="Which notifications reach the viewer where, and when not.")
    async def notification_preferences(self, info: Info) -> NotificationPreferencesType:
        user = info.context.principal.require_user(write=False)
        return await _preferences(user.id)


@strawberry.type
class Mutation:
    @errors.mutation(
        description="Mark notifications of the viewer read: those of `ids` (all of them "
        "must be the viewer's, else nothing changes), or `all: true`."
    )
    async def mark_notifications_read(
        self,
        info: Info,
        ids: list[strawberry.ID] | None = None,
        all_: Annotated[bool | None, strawberry.argument(name="all")] = None,
    ) -> MarkNotificationsReadPayload:
        user = info.context.principal.require_user()
        if all_ and ids is not None:
            raise UserError("INVALID_INPUT", "give either ids or all, not both", "ids")
        if all_:
            marked = await services.mark_read(user.id)
        else:
            if not ids:
                raise UserError("INVALID_INPUT", "give the ids to mark read, or all", "ids")
            if len(ids) > MAX_IDS:
                raise UserError("TOO_MANY", "at most {max} ids", "ids", {"max": MAX_IDS})
            pks = [decode_id(value, "Notification", "ids") for value in ids]
            marked = await services.mark_read_many(user.id, pks)
        if marked:
            await read_changed(user.id)  # the bells of the viewer's pages go down
        return MarkNotificationsReadPayload(
            marked=marked, unread_count=await services.unread_count(user.id)
        )

    @errors.mutation(
        description="Change some switches (the others stay) and the quiet hours: each of "
        "timeZone, quietStart and quietEnd that is given changes (HH:MM; quietStart and "
        'quietEnd both "": no quiet hours). All or nothing.'
    )
    async def update_notification_preferences(
        self,
        info: Info,
        preferences: list[NotificationPreferenceInput] | None = None,
        time_zone: str | None = None,
        quiet_start: str | None = None,
        quiet_end: str | None = None,
    ) -> NotificationPreferencesPayload:
        user = info.context.principal.require_user()
        switches = preferences or []
        if len(switches) > MAX_PREFERENCES:
            raise UserError(
                "TOO_MANY", "at most {max} preferences", "preferences", {"max": MAX_PREFERENCES}
            )
        await prefs.update_preferences(
            user.id,
            [(s.kind, s.channel, s.enabled) for s in switches],
            time_zone=time_zone,
            quiet_start=quiet_start,
            quiet_end=quiet_end,
        )
        return NotificationPreferencesPayload(preferences=await _preferences(user.id))

    @errors.mutation(
        description="Keep a browser's Web Push subscription (PushSubscription.toJSON(): "
        "endpoint, keys.p256dh, keys.auth); the same endpoint again replaces it."
    )
    async def register_push_subscription(
        self, info: Info, endpoint: str, p256dh: str, auth: str
    ) -> PushSubscriptionPayload:
        user = info.context.principal.require_user()
        made = await services.subscribe_push(
            user.id,
            endpoint,
            p256dh,
            auth,
            allow_private=info.context.settings.push_private_endpoints,
        )
        return PushSubscriptionPayload(push_subscription=PushSubscriptionType.from_model(made))

    @errors.mutation(description="Stop Web Push to the viewer's browser at `endpoint`.")
    async def remove_push_subscription(
        self, info: Info, endpoint: str
    ) -> RemovePushSubscriptionPayload:
        user = info.context.principal.require_user()
        removed = await services.unsubscribe_push(user.id, endpoint)
        return RemovePushSubscriptionPayload(removed=removed > 0)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Each new in-app notification of the signed-in viewer, as it arrives."
    )
    async def notification_added(self, info: Info) -> AsyncGenerator[NotificationType, None]:
        user = info.context.principal.user
        if user is None:
            raise GraphQLError(_("log in first"), extensions={"code": "UNAUTHENTICATED"})
        # The process's feed reads each fan-out once for all its sockets and hands this
        # one the viewer's own notifications only, with every field: nothing is read here.
        async with feed_for(get_bus()).listen(user.id) as listener:
            async for added in listener:
                yield NotificationType.from_added(added)
