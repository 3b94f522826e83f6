"""Moderation: mutes, bans, slow mode, banned words, reports and the audit log."""
