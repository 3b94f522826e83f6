"""The event bus: small JSON envelopes over broadcaster channels (see ``bus``)."""

from app.events.bus import Event, EventBus, Subscription, get_bus, set_bus

__all__ = ["Event", "EventBus", "Subscription", "get_bus", "set_bus"]
