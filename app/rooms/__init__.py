"""Live rooms: rooms, live sessions, follows, likes, viewer presence and room events."""
