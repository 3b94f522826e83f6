"""Password hashing (Argon2id) and the password policy.

Argon2 costs about a quarter of a second of CPU by design: the services call the async
:func:`hash_in_worker` / :func:`verify_in_worker`, which run it in a small pool of worker
threads (argon2-cffi releases the GIL), so the event loop keeps serving everyone else while
logins are checked, and at most :data:`WORKERS` hashes run at once.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.errors import UserError

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
MIN_LENGTH = 10
MAX_LENGTH = 256
COMMON = {
    "password123",
    "password1234",
    "1234567890",
    "qwertyuiop",
    "iloveyou12",
    "letmein1234",
    "welcome123",
    "administrator",
    "passw0rd123",
    "0123456789",
}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


WORKERS = 2
_pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="argon2")


async def hash_in_worker(password: str) -> str:
    """:func:`hash_password` off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_pool, hash_password, password)


async def verify_in_worker(password_hash: str, password: str) -> bool:
    """:func:`verify_password` off the event loop."""
    call = functools.partial(verify_password, password_hash, password)
    return await asyncio.get_running_loop().run_in_executor(_pool, call)


_dummy_hash: str | None = None


async def verify_without_account(password: str) -> bool:
    """Spend the time of a real verification when there is no account to check, so the
    answer time does not tell whether an email is registered. Always False."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = await hash_in_worker("no account has this password")
    await verify_in_worker(_dummy_hash, password)
    return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_policy(password: str, email: str = "", field: str = "password") -> None:
    """Raise ``UserError(WEAK_PASSWORD)`` unless ``password`` is strong enough."""
    if len(password) < MIN_LENGTH:
        raise UserError(
            "WEAK_PASSWORD", "use at least {min} characters", field, {"min": MIN_LENGTH}
        )
    if len(password) > MAX_LENGTH:
        raise UserError("WEAK_PASSWORD", "use at most {max} characters", field, {"max": MAX_LENGTH})
    classes = sum(
        (
            any(c.isalpha() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if classes < 2:
        raise UserError("WEAK_PASSWORD", "mix letters with digits or symbols", field)
    local = email.split("@", 1)[0].lower()
    if password.lower() in COMMON or (len(local) >= 4 and local in password.lower()):
        raise UserError("WEAK_PASSWORD", "this password is too easy to guess", field)
