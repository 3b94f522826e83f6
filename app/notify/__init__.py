"""Notifications: the in-app centre, Web Push and e-mail, with per-type and per-channel
preferences and quiet hours. See :mod:`app.notify.services` for the entry points."""
