"""The HTML interface: pages, HTMX fragments, SSE streams, templates and static files."""
