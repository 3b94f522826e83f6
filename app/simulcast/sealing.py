"""Sealing destination addresses (they carry stream keys) with the app's secret key.

Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) under a key derived from
``LIVEMART_SECRET_KEY``: a database dump alone does not reveal a stream key, and a value
sealed under another secret does not open.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

__all__ = ["InvalidToken", "open_sealed", "seal"]


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(b"livemart simulcast destination\0" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(value: str, secret_key: str) -> str:
    """`value` encrypted and authenticated under `secret_key`."""
    return _fernet(secret_key).encrypt(value.encode()).decode()


def open_sealed(token: str, secret_key: str) -> str:
    """The value `seal` sealed; raises `InvalidToken` under another key or when altered."""
    return _fernet(secret_key).decrypt(token.encode()).decode()
