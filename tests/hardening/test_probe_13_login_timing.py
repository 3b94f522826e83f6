"""Finding 13 (login timing): a login for an unknown email answered at once, one for a
real account after an Argon2 verification, so the time told whether an account exists.
Now an unknown email is verified against a dummy hash: the same Argon2 work either way
(counted, not timed).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.accounts import passwords
from tests.support import op, register


async def test_unknown_and_known_emails_cost_one_verification_each(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (await register(client, "known@example.com"))["errors"] == []
    await op(client, "accounts", "Logout")
    calls: list[str] = []
    real = passwords.verify_password

    def counting(password_hash: str, password: str) -> bool:
        calls.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counting)

    async def attempt(email: str) -> Any:
        variables = {"email": email, "password": "not-the-password-1"}
        result = await op(client, "accounts", "Login", variables)
        return result["data"]["login"]["errors"][0]["code"]

    assert await attempt("known@example.com") == "INVALID_CREDENTIALS"
    assert len(calls) == 1
    assert await attempt("unknown@example.com") == "INVALID_CREDENTIALS"
    assert len(calls) == 2
    assert calls[1].startswith("$argon2id$")  # a real hash with the same parameters
