"""Accounts: users, sessions, API tokens, password resets, the mail outbox."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    VIEWER = "viewer"
    STREAMER = "streamer"
    MODERATOR = "moderator"
    ADMIN = "admin"


ROLE_RANK = {Role.VIEWER: 0, Role.STREAMER: 1, Role.MODERATOR: 2, Role.ADMIN: 3}


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    display_name = fields.CharField(max_length=40)
    password_hash = fields.CharField(max_length=255)
    role = fields.CharEnumField(Role, max_length=16, default=Role.VIEWER)
    # The public profile at /@handle (app.accounts.handles): a unique lowercase handle,
    # a short bio and an avatar image address.
    handle = fields.CharField(max_length=30, unique=True, null=True)
    bio = fields.CharField(max_length=280, default="")
    avatar_url = fields.CharField(max_length=500, default="")
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    #: The interface language the user chose (``en``, ``zh_CN``); None: the browser's.
    language = fields.CharField(max_length=16, null=True)
    #: The IANA time zone the user's browser reported (``Asia/Shanghai``); None: UTC.
    timezone = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "users"

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_streamer(self) -> bool:
        return self.role in (Role.STREAMER, Role.ADMIN)


class WebSession(Model):
    """A logged-in browser. The cookie holds a random token; we keep only its hash."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sessions", on_delete=fields.CASCADE
    )
    user_id: int
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "web_sessions"


class ApiToken(Model):
    """A personal API token for third-party apps (shown once, stored hashed)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    user_id: int
    name = fields.CharField(max_length=60)
    prefix = fields.CharField(max_length=16)
    token_hash = fields.CharField(max_length=64, unique=True)
    scope = fields.CharField(max_length=8, default="read")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_tokens"


class PasswordReset(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="password_resets", on_delete=fields.CASCADE
    )
    user_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "password_resets"


class LoginAttempt(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, db_index=True)
    ip = fields.CharField(max_length=64, db_index=True)
    success = fields.BooleanField()
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "login_attempts"


class OutboxMessage(Model):
    """Mail we would send. Development reads it from here and from the log."""

    id = fields.IntField(primary_key=True)
    to = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=200)
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "outbox"
