"""GraphQL types of the notification centre: a notification (in the reader's language),
the per-type and per-channel switches with the quiet hours, and a push subscription."""

from __future__ import annotations

import re
from datetime import datetime

import strawberry

from app.api.ids import encode_id
from app.api.notify.feed import NotificationAdded
from app.i18n import gettext
from app.notify import prefs
from app.notify.models import Channel, Kind, Notification, PushSubscription

NotificationKindEnum = Kind
strawberry.enum(NotificationKindEnum, name="NotificationKind")
NotificationChannelEnum = Channel
strawberry.enum(NotificationChannelEnum, name="NotificationChannel")

# What a notification's link leads to: its global ID, for apps that do not open URLs.
_TARGETS = (
    (re.compile(r"^/rooms/(\d+)(?:[/?#]|$)"), "Room"),
    (re.compile(r"^/orders/(\d+)(?:[/?#]|$)"), "Order"),
)


def target_id(url: str) -> strawberry.ID | None:
    for pattern, type_name in _TARGETS:
        found = pattern.match(url or "")
        if found:
            return strawberry.ID(encode_id(type_name, int(found.group(1))))
    return None


@strawberry.type(
    name="Notification",
    description="One in-app notification of the viewer; title and body in the caller's "
    "language (Accept-Language, or the websocket's connection_init `language`).",
)
class NotificationType:
    id: strawberry.ID
    kind: NotificationKindEnum
    title: str
    body: str = strawberry.field(description="A line of detail; empty when there is none.")
    link: str = strawberry.field(
        description="Where it leads on this site: a path such as /rooms/12 or /orders/7."
    )
    target_id: strawberry.ID | None = strawberry.field(
        description="The global ID of what it is about (a Room or an Order), when known."
    )
    created_at: datetime
    read_at: datetime | None
    read: bool

    @classmethod
    def from_model(cls, note: Notification) -> NotificationType:
        return cls.from_added(NotificationAdded.of(note))

    @classmethod
    def from_added(cls, note: NotificationAdded) -> NotificationType:
        """From the event alone (``notificationAdded`` reads nothing per socket)."""
        title, body = note.texts()  # in the current language
        return cls(
            id=strawberry.ID(encode_id("Notification", note.id)),
            kind=Kind(note.kind),
            title=title,
            body=body,
            link=note.url,
            target_id=target_id(note.url),
            created_at=note.created_at,
            read_at=note.read_at,
            read=note.read_at is not None,
        )


@strawberry.type(
    name="NotificationPreference",
    description="Whether one type of notification reaches the viewer on one channel.",
)
class NotificationPreferenceType:
    kind: NotificationKindEnum
    channel: NotificationChannelEnum
    enabled: bool
    label: str = strawberry.field(description="The type, in the caller's language.")
    channel_label: str = strawberry.field(description="The channel, in the caller's language.")


@strawberry.type(
    name="NotificationPreferences",
    description="The viewer's notification settings: every type on every channel, and the "
    "quiet hours (pushes and mails wait for their end; in-app notifications still arrive).",
)
class NotificationPreferencesType:
    preferences: list[NotificationPreferenceType]
    time_zone: str = strawberry.field(description="An IANA time zone, e.g. Europe/Paris.")
    quiet_start: str | None = strawberry.field(
        description="HH:MM in timeZone; null: no quiet hours."
    )
    quiet_end: str | None = strawberry.field(description="HH:MM in timeZone; null: none.")
    push_subscriptions: int = strawberry.field(
        description="How many browsers of the viewer get Web Push."
    )

    @classmethod
    def of(
        cls,
        chosen: dict[tuple[Kind, Channel], bool],
        quiet: prefs.QuietHours,
        push_subscriptions: int,
    ) -> NotificationPreferencesType:
        return cls(
            preferences=[
                NotificationPreferenceType(
                    kind=kind,
                    channel=channel,
                    enabled=chosen[(kind, channel)],
                    label=gettext(prefs.LABELS[kind]),
                    channel_label=gettext(prefs.CHANNEL_LABELS[channel]),
                )
                for kind in Kind
                for channel in Channel
            ],
            time_zone=quiet.time_zone,
            quiet_start=prefs.clock(quiet.start) or None,
            quiet_end=prefs.clock(quiet.end) or None,
            push_subscriptions=push_subscriptions,
        )


@strawberry.input(description="Turn one type of notification on or off on one channel.")
class NotificationPreferenceInput:
    kind: NotificationKindEnum
    channel: NotificationChannelEnum
    enabled: bool


@strawberry.type(name="PushSubscription", description="A browser's Web Push subscription.")
class PushSubscriptionType:
    endpoint: str
    created_at: datetime

    @classmethod
    def from_model(cls, sub: PushSubscription) -> PushSubscriptionType:
        return cls(endpoint=sub.endpoint, created_at=sub.created_at)
