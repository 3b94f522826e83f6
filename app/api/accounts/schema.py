"""Account queries and mutations: register, log in / out, password reset, API tokens."""

from __future__ import annotations

from enum import Enum

import strawberry
from starlette.responses import Response

from app.accounts import services as accounts
from app.accounts.models import User
from app.api import errors
from app.api.accounts.types import ApiTokenType, RoleEnum, UserType
from app.api.context import Info
from app.api.ids import decode_id
from app.auth import CSRF_COOKIE, SESSION_COOKIE, client_ip, set_session_cookie
from app.errors import UserError
from app.profiles import services as profiles


@errors.payload
class UserPayload:
    user: UserType | None = None


@errors.payload
class OkPayload:
    ok: bool = False


@errors.payload
class CreateApiTokenPayload:
    token: ApiTokenType | None = None
    secret: str | None = strawberry.field(
        default=None, description="The token itself: shown once, store it now."
    )


@errors.payload
class ApiTokenPayload:
    token: ApiTokenType | None = None


@strawberry.enum(name="TokenScope")
class TokenScopeEnum(Enum):
    READ = "read"
    WRITE = "write"


@strawberry.input
class RegisterInput:
    email: str
    password: str
    display_name: str


async def _merge_browser_profile(info: Info, user: User) -> None:
    """A browser app signing in: what the browser did anonymously joins the profile."""
    browser = info.context.request.cookies.get(CSRF_COOKIE, "")[:16]
    if browser:
        await profiles.merge_anonymous(user, f"browser:{browser}")


def _set_session_cookie(info: Info, secret: str | None) -> None:
    response = info.context.response
    if not isinstance(response, Response):
        return
    if secret is None:
        response.delete_cookie(SESSION_COOKIE, path="/")
        return
    set_session_cookie(
        response, secret, secure=info.context.settings.public_url.startswith("https")
    )


@strawberry.type
class Query:
    @strawberry.field(description="The user making the request, or null when anonymous.")
    def viewer(self, info: Info) -> UserType | None:
        user = info.context.principal.user
        return UserType.from_model(user) if user else None

    @strawberry.field(description="The viewer's API tokens, newest first.")
    async def api_tokens(self, info: Info) -> list[ApiTokenType]:
        user = info.context.principal.user
        if user is None:
            return []
        return [ApiTokenType.from_model(t) for t in await accounts.list_api_tokens(user)]


@strawberry.type
class Mutation:
    @errors.mutation(description="Create a viewer account and log in.")
    async def register(self, info: Info, input: RegisterInput) -> UserPayload:
        user = await accounts.register(input.email, input.password, input.display_name)
        _set_session_cookie(info, await accounts.start_session(user))
        return UserPayload(user=UserType.from_model(user))

    @errors.mutation(description="Log in with email and password (sets the session cookie).")
    async def login(self, info: Info, email: str, password: str) -> UserPayload:
        user = await accounts.authenticate(email, password, client_ip(info.context.request))
        await _merge_browser_profile(info, user)
        _set_session_cookie(info, await accounts.start_session(user))
        return UserPayload(user=UserType.from_model(user))

    @errors.mutation(description="End this browser session.")
    async def logout(self, info: Info) -> OkPayload:
        await accounts.end_session(info.context.request.cookies.get(SESSION_COOKIE))
        _set_session_cookie(info, None)
        return OkPayload(ok=True)

    @errors.mutation(description="Mail a reset link; answers the same whether the account exists.")
    async def request_password_reset(self, info: Info, email: str) -> OkPayload:
        await accounts.request_password_reset(email, info.context.settings.public_url)
        return OkPayload(ok=True)

    @errors.mutation(description="Choose a new password with a reset token (single use).")
    async def reset_password(self, token: str, new_password: str) -> UserPayload:
        user = await accounts.reset_password(token, new_password)
        return UserPayload(user=UserType.from_model(user))

    @errors.mutation
    async def change_password(
        self, info: Info, current_password: str, new_password: str
    ) -> OkPayload:
        principal = info.context.principal
        user = principal.require_user()
        session = info.context.request.cookies.get(SESSION_COOKIE)
        await accounts.change_password(
            user,
            current_password,
            new_password,
            keep_session=session if principal.via == "session" else None,
        )
        return OkPayload(ok=True)

    @errors.mutation(description="Create a personal API token for a third-party app.")
    async def create_api_token(
        self, info: Info, name: str, scope: TokenScopeEnum = TokenScopeEnum.READ
    ) -> CreateApiTokenPayload:
        principal = info.context.principal
        if principal.via == "token":
            raise UserError("FORBIDDEN", "API tokens cannot create tokens; use the web", None)
        user = principal.require_user()
        created = await accounts.create_api_token(user, name, scope.value)
        return CreateApiTokenPayload(
            token=ApiTokenType.from_model(created.token), secret=created.secret
        )

    @errors.mutation
    async def revoke_api_token(self, info: Info, id: strawberry.ID) -> ApiTokenPayload:
        user = info.context.principal.require_user()
        token = await accounts.revoke_api_token(user, decode_id(id, "ApiToken"))
        return ApiTokenPayload(token=ApiTokenType.from_model(token))


__all__ = ["Mutation", "Query", "RoleEnum"]
