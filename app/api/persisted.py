"""Persisted queries, in the shape of Apollo's automatic persisted queries.

An app sends ``extensions: {persistedQuery: {version: 1, sha256Hash: "<hex>"}}`` (in a
POST body, or as the ``extensions`` parameter of a GET) instead of the document. A known
hash runs its document. An unknown one is answered with the standard error
(``PersistedQueryNotFound``, code ``PERSISTED_QUERY_NOT_FOUND``); the app then sends the
document with the hash, which is checked (a mismatch is refused,
``PERSISTED_QUERY_HASH_MISMATCH``) and kept for the next time.

Every documented operation (``graphql/operations/*.graphql``, each operation with just
the fragments it uses, printed as graphql-core prints it) is registered at start and
never evicted; documents apps register are kept in a bounded LRU, so a flood of made-up
documents costs a bounded amount of memory.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass
from importlib import resources
from typing import Any

from app.api.limits import MAX_CACHED_QUERY
from graphql import GraphQLError, parse, print_ast, separate_operations

MAX_REGISTERED = 1024
HASH = re.compile(r"[0-9a-f]{64}")

NOT_FOUND = "PersistedQueryNotFound"
NOT_FOUND_CODE = "PERSISTED_QUERY_NOT_FOUND"
MISMATCH_CODE = "PERSISTED_QUERY_HASH_MISMATCH"
UNSUPPORTED_CODE = "PERSISTED_QUERY_NOT_SUPPORTED"


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def documented_operations() -> dict[str, str]:
    """Every operation of ``graphql/operations`` by name: the text an app sends."""
    return dict(_documented_operations())


@functools.cache
def _documented_operations() -> tuple[tuple[str, str], ...]:
    """Parsed once per process: the files are package data (every app built reuses them)."""
    folder = resources.files("app") / "graphql" / "operations"
    found: dict[str, str] = {}
    for file in sorted(folder.iterdir(), key=lambda f: f.name):
        if file.name.endswith(".graphql"):
            for name, document in separate_operations(parse(file.read_text())).items():
                found[name] = print_ast(document)
    return tuple(found.items())


@dataclass(frozen=True)
class Lookup:
    """The document to run (``None``: the request had neither), or the error to answer."""

    query: str | None
    error: GraphQLError | None = None


def _error(message: str, code: str) -> Lookup:
    return Lookup(None, GraphQLError(message, extensions={"code": code}))


class PersistedQueries:
    """Documents by sha256: the documented ones, and a bounded LRU of registered ones."""

    def __init__(self, documents: dict[str, str] | None = None, size: int = MAX_REGISTERED):
        self.size = size
        self._known = {sha256(text): text for text in (documents or {}).values()}
        self._registered: OrderedDict[str, str] = OrderedDict()

    def get(self, digest: str) -> str | None:
        found = self._known.get(digest)
        if found is None:
            found = self._registered.get(digest)
            if found is not None:
                self._registered.move_to_end(digest)
        return found

    def register(self, digest: str, document: str) -> None:
        if digest in self._known or len(document) > MAX_CACHED_QUERY:
            return
        self._registered[digest] = document
        self._registered.move_to_end(digest)
        while len(self._registered) > self.size:
            self._registered.popitem(last=False)

    def resolve(self, query: str | None, extensions: dict[str, Any] | None) -> Lookup:
        """The document a request runs, by the ``persistedQuery`` extension if it has one."""
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            return Lookup(query)
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            return _error("persisted queries are version 1", UNSUPPORTED_CODE)
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or not HASH.fullmatch(digest):
            if query is None:
                return _error(NOT_FOUND, NOT_FOUND_CODE)
            return _error("provided sha does not match query", MISMATCH_CODE)
        if query is None:
            found = self.get(digest)
            return Lookup(found) if found is not None else _error(NOT_FOUND, NOT_FOUND_CODE)
        if sha256(query) != digest:
            return _error("provided sha does not match query", MISMATCH_CODE)
        self.register(digest, query)
        return Lookup(query)
