"""Password hashing (Argon2id) and the password policy."""

from __future__ import annotations

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


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_policy(password: str, email: str = "", field: str = "password") -> None:
    """Raise ``UserError(WEAK_PASSWORD)`` unless ``password`` is strong enough."""
    if len(password) < MIN_LENGTH:
        raise UserError("WEAK_PASSWORD", f"use at least {MIN_LENGTH} characters", field)
    if len(password) > MAX_LENGTH:
        raise UserError("WEAK_PASSWORD", f"use at most {MAX_LENGTH} characters", field)
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
