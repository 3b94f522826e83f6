"""Chat (danmaku): persisted room messages, their rules and the banned-word filter."""
