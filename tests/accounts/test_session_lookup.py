"""``user_for_session``: one hand-written statement per signed-in request, holding the same
rules as the ORM it replaced (unknown, expired and deactivated sessions are nobody) and
giving back the same user."""

from __future__ import annotations

from datetime import timedelta

from app.accounts import services as accounts
from app.accounts.models import Role, User, WebSession
from app.signals import now


async def _user(email: str = "leo@example.com") -> User:
    return await User.create(
        email=email,
        display_name="Leo Viewer",
        password_hash="x",
        role=Role.STREAMER,
        language="zh_CN",
        timezone="Asia/Shanghai",
    )


async def test_a_session_gives_its_user_with_every_field(app: object) -> None:
    user = await _user()
    secret = await accounts.start_session(user)
    found = await accounts.user_for_session(secret)
    assert found is not None
    stored = await User.get(id=user.id)
    for name in User._meta.fields_db_projection:
        assert getattr(found, name) == getattr(stored, name), name
    assert found.role == Role.STREAMER and found.language == "zh_CN"
    # The user can be saved as any loaded from the ORM (partial updates, relations).
    found.display_name = "Leo Renamed"
    await found.save(update_fields=["display_name"])
    assert (await User.get(id=user.id)).display_name == "Leo Renamed"


async def test_unknown_empty_expired_and_deactivated_sessions_are_nobody(app: object) -> None:
    user = await _user()
    secret = await accounts.start_session(user)
    assert await accounts.user_for_session(None) is None
    assert await accounts.user_for_session("") is None
    assert await accounts.user_for_session("not-a-session") is None
    await WebSession.filter(user_id=user.id).update(expires_at=now() - timedelta(seconds=1))
    assert await accounts.user_for_session(secret) is None
    other = await accounts.start_session(user)
    assert await accounts.user_for_session(other) is not None
    await User.filter(id=user.id).update(is_active=False)
    assert await accounts.user_for_session(other) is None


async def test_a_logged_out_session_is_nobody_at_once(app: object) -> None:
    user = await _user()
    secret = await accounts.start_session(user)
    await accounts.end_session(secret)
    assert await accounts.user_for_session(secret) is None
