"""livemart: a live-shopping platform (rooms, chat, gifts, commerce, recommendations)."""

__version__ = "0.1.0"
