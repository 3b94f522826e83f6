"""Answers to public queries, cached per process and dropped when public data changes.

Thousands of viewers opening a live event ask the same catalog and room queries; each
answer costs the whole of Strawberry's execution (about 5 ms for a page of 20 products,
whatever the database does). This cache keeps the answer of a *public* query for a short
time (:data:`TTL_SECONDS`) and drops every answer as soon as public data changes
(:mod:`app.events.changes`: product, variant and image edits, room edits and status,
pins, flash sales, coupon drops, auctions; in this process at once, in others through
the bus).

What is public (the rule, checked once per document and operation):

* the operation is a query (mutations and subscriptions are never cached);
* every root field is in :data:`PUBLIC_ROOT_FIELDS` (``products``, ``product``, ``rooms``,
  ``room``: no ``viewer``, no ``myOrders``, no ``node`` that may fetch an order);
* every field below is plain data: an attribute, a resolver that cannot see the caller
  (it takes no ``info``), Strawberry's own (the relay ``id``), or a resolver listed in
  :data:`CALLER_SAFE_FIELDS` after review: it reads ``info`` only for the request's data
  loaders or for visibility that depends on who asks (a merchant sees their drafts), which
  the key holds. A new resolver that takes ``info`` makes a document uncacheable until
  it is reviewed and listed, so a personal field (``streamKey``, ``isFollowingOwner``,
  ``viewerBought``, ``email``) is never served from the cache.

The key: the document text, the operation name, the variables (canonical JSON) and the
audience: ``anonymous`` for every anonymous caller, else the signed-in user's id, role
and token scope (a merchant's answer may hold their drafts, so signed-in answers are
never shared between users). Only answers without errors are kept.

Single flight: right after a change (a pin, a flash sale going live) every viewer of the
event asks the same page again, and each miss would compute it (~15 ms of CPU for 20
products). A miss that finds the same answer being computed, for the same key from data as
of the same generation, waits for that computation instead (:meth:`ResultCache.flight`):
one computation per key, generation and process. If the computation fails or its request
goes away, each waiter computes its own answer.

Counters that change without an announced change (viewer and like counts, stock and
sold counts after purchases) may lag by up to :data:`TTL_SECONDS`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.types import ExecutionResult

from app.api.limits import CACHE_SIZE, MAX_CACHED_QUERY, MAX_TOKENS
from app.auth import Principal
from app.events import changes
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)

TTL_SECONDS = 2.0
MAX_ENTRIES = 512
MAX_DOCUMENTS = 256  # the cacheability verdicts kept (one per document and operation)

PUBLIC_ROOT_FIELDS = frozenset({"products", "product", "rooms", "room"})

# Resolvers that take ``info`` and were reviewed: they use it for the request's data
# loaders, or for visibility by who asks (in the key), never for a personal value.
CALLER_SAFE_FIELDS = frozenset(
    {
        ("Query", "products"),
        ("Query", "product"),
        ("Query", "rooms"),
        ("Query", "room"),
        ("Product", "merchant"),
        ("Product", "room"),
        ("Product", "variants"),
        ("Product", "images"),
        ("Product", "inStock"),
        ("Room", "owner"),
        ("Room", "viewerCount"),
    }
)


def audience(principal: Principal) -> str:
    """What a caller may see, as a key part: one value for everyone anonymous."""
    user = principal.user
    if user is None:
        return "anonymous"
    return f"user:{user.id}:{getattr(user.role, 'value', user.role)}:{principal.scope}"


def _caller_safe(parent: str, name: str, field: Any) -> bool:
    definition = field.extensions.get("strawberry-definition") if field.extensions else None
    resolver = getattr(definition, "base_resolver", None)
    if resolver is None or resolver.info_parameter is None:
        return True
    if resolver.wrapped_func.__module__.startswith("strawberry."):
        return True  # the relay id and other resolvers of the framework
    return (parent, name) in CALLER_SAFE_FIELDS


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    found = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return found[0] if len(found) == 1 else None
    return next((d for d in found if d.name is not None and d.name.value == name), None)


def is_public(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> bool:
    """Whether the operation's answer depends only on public data and the audience (the
    rule in this module's docstring). Every definition of the document is checked, so a
    fragment or another operation with a personal field makes the whole document private."""
    operation = _operation(document, operation_name)
    if operation is None or operation.operation != OperationType.QUERY:
        return False
    roots = {t for t in (schema.mutation_type, schema.subscription_type) if t is not None}
    query_type = schema.query_type
    info = TypeInfo(schema)
    public = True

    class Check(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> Any:
            nonlocal public
            name = node.name.value
            if name == "__typename":
                return None
            parent = info.get_parent_type()
            field = info.get_field_def()
            if parent is None or field is None or parent in roots:
                public = False
            elif parent is query_type and name not in PUBLIC_ROOT_FIELDS:
                public = False
            elif not _caller_safe(parent.name, name, field):
                public = False
            return Visitor.BREAK if not public else None

    visit(document, TypeInfoVisitor(info, Check()))
    return public


class EncodedResponse(dict[str, Any]):
    """A cached answer's response body, with its JSON text once encoded."""

    text: str | None = None


@dataclass
class CachedResult(ExecutionResult):
    """A cached answer: its response body is built and encoded once, for every hit."""

    response: EncodedResponse | None = None


@dataclass
class _Entry:
    generation: int
    expires: float
    result: CachedResult


class ResultCache:
    """Answers of public queries by (document, operation, variables, audience)."""

    def __init__(self, max_entries: int = MAX_ENTRIES, ttl: float = TTL_SECONDS) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self._entries: OrderedDict[tuple[str, ...], _Entry] = OrderedDict()
        self._verdicts: OrderedDict[tuple[str, str | None], bool] = OrderedDict()
        self._flights: dict[tuple[tuple[str, ...], int], asyncio.Future[ExecutionResult]] = {}
        self.hits = 0
        self.misses = 0
        self.shared = 0  # misses answered by another request's computation

    def public(self, schema: GraphQLSchema, query: str, operation_name: str | None) -> bool:
        """Whether ``query``'s operation may be cached (decided once per document)."""
        verdict_key = (query, operation_name)
        verdict = self._verdicts.get(verdict_key)
        if verdict is None:
            verdict = self._decide(schema, query, operation_name)
            self._verdicts[verdict_key] = verdict
            if len(self._verdicts) > MAX_DOCUMENTS:
                self._verdicts.popitem(last=False)
        return verdict

    @staticmethod
    def _decide(schema: GraphQLSchema, query: str, operation_name: str | None) -> bool:
        if len(query) > MAX_CACHED_QUERY:
            return False
        try:
            # the parser cache Strawberry uses too: the request then parses nothing
            document = _get_parse_cache(CACHE_SIZE)(query, max_tokens=MAX_TOKENS)
        except GraphQLError:
            return False
        return is_public(schema, document, operation_name)

    @staticmethod
    def key(
        query: str, operation_name: str | None, variables: dict[str, Any] | None, audience: str
    ) -> tuple[str, ...] | None:
        try:
            encoded = json.dumps(variables or {}, sort_keys=True, separators=(",", ":"))
        except (TypeError, ValueError):
            return None
        return (query, operation_name or "", encoded, audience)

    def get(self, key: tuple[str, ...], count_miss: bool = True) -> CachedResult | None:
        """The answer kept for ``key`` while still current; ``count_miss=False`` for a
        look that a full lookup follows on a miss (the HTTP view's shortcut)."""
        entry = self._entries.get(key)
        if entry is None:
            self.misses += count_miss
            return None
        if entry.generation != changes.generation() or entry.expires < time.monotonic():
            del self._entries[key]
            self.misses += count_miss
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry.result

    def put(self, key: tuple[str, ...], result: ExecutionResult, generation: int) -> bool:
        """Keep ``result``, computed from data as of ``generation`` (the generation when
        the request began): nothing is kept when data changed meanwhile, or on errors.
        Whether it was kept."""
        if result.errors or generation != changes.generation():
            return False
        cached = CachedResult(data=result.data, errors=None, extensions=result.extensions)
        self._entries[key] = _Entry(generation, time.monotonic() + self.ttl, cached)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return True

    def clear(self) -> None:
        self._entries.clear()

    def flight(self, key: tuple[str, ...], generation: int) -> Flight:
        """The computation of ``key``'s answer from data as of ``generation``: join it
        (:attr:`Flight.leader` false: await :meth:`Flight.wait`) or lead it (compute, then
        :meth:`Flight.land`)."""
        running = self._flights.get((key, generation))
        if running is not None:
            return Flight(self, key, generation, running, leader=False)
        future: asyncio.Future[ExecutionResult] = asyncio.get_running_loop().create_future()
        self._flights[(key, generation)] = future
        return Flight(self, key, generation, future, leader=True)


class Flight:
    """One computation of a public answer that concurrent misses share."""

    def __init__(
        self,
        cache: ResultCache,
        key: tuple[str, ...],
        generation: int,
        future: asyncio.Future[ExecutionResult],
        leader: bool,
    ) -> None:
        self.cache = cache
        self.key = key
        self.generation = generation
        self.future = future
        self.leader = leader

    async def wait(self) -> ExecutionResult | None:
        """The leader's answer (the cached one when it was kept), or None when it failed
        or went away (compute your own)."""
        try:
            result = await asyncio.shield(self.future)
        except asyncio.CancelledError:
            if self.future.cancelled():  # the leader failed or went away
                return None
            raise  # this request went away
        self.cache.shared += 1
        return result

    def land(self, result: ExecutionResult | None) -> ExecutionResult | None:
        """End the computation: keep ``result`` (when it may be kept), hand it to the
        waiters and return what this request answers (None: it failed, waiters retry)."""
        self.cache._flights.pop((self.key, self.generation), None)
        if result is None:
            if not self.future.done():
                self.future.cancel()
            return None
        answer: ExecutionResult = result
        if self.cache.put(self.key, result, self.generation):
            answer = self.cache._entries[self.key].result
        if not self.future.done():
            self.future.set_result(answer)
        return answer
