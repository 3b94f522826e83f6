"""Limits that refuse abusive documents before they execute: depth, aliases, tokens, cost."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from functools import partial
from typing import Any

from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
)

log = logging.getLogger("livemart.api")

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 4000
MAX_COST = 20000
DEFAULT_LIST_SIZE = 10
PAGE_ARGS = ("first", "last", "limit")
# An HTTP request body: room for an 8 MB image in base64 (uploadProductImage), no more.
MAX_BODY_BYTES = 12 * 1024 * 1024


def _multiplier(field: FieldNode, variables: dict[str, Any]) -> int:
    for arg in field.arguments or ():
        if arg.name.value in PAGE_ARGS:
            if isinstance(arg.value, IntValueNode):
                return max(1, int(arg.value.value))
            if isinstance(arg.value, VariableNode):
                value = variables.get(arg.value.name.value)
                if isinstance(value, int):
                    return max(1, value)
            return DEFAULT_LIST_SIZE
    return 1


class CostLimitRule(ValidationRule):
    """Each field costs 1, times the page size of every list above it."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        fragments = {
            d.name.value: d
            for d in self.context.document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        cost = self._cost(node.selection_set, fragments, set(), {})
        if cost > MAX_COST:
            self.report_error(
                GraphQLError(
                    f"query is too expensive: cost {cost} exceeds {MAX_COST}",
                    node,
                    extensions={"code": "QUERY_TOO_EXPENSIVE"},
                )
            )

    def _cost(
        self,
        selection_set: SelectionSetNode | None,
        fragments: dict[str, FragmentDefinitionNode],
        seen: set[str],
        variables: dict[str, Any],
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                inner = self._cost(selection.selection_set, fragments, seen, variables)
                total += 1 + _multiplier(selection, variables) * inner
            elif isinstance(selection, InlineFragmentNode):
                total += self._cost(selection.selection_set, fragments, seen, variables)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in seen or name not in fragments:
                    continue
                total += self._cost(
                    fragments[name].selection_set, fragments, seen | {name}, variables
                )
            if total > MAX_COST * 10:
                return total
        return total


class LogUnexpectedErrors(SchemaExtension):
    """Logs errors we caused with the operation and user, before they are masked."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None) or []
        for error in errors:
            if error.original_error is not None and not isinstance(
                error.original_error, GraphQLError
            ):
                context = self.execution_context.context
                principal = getattr(context, "principal", None)
                user = getattr(principal, "user", None)
                log.error(
                    "unexpected error in operation %r (user %s) at %s",
                    self.execution_context.operation_name,
                    getattr(user, "id", None),
                    error.path,
                    exc_info=error.original_error,
                )


def should_mask(error: GraphQLError) -> bool:
    """Mask everything but errors we raise on purpose as GraphQLError."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


# Parsed and validated documents are cached (an app sends the same few documents again
# and again: parsing and validating the products page costs ~10 ms, a hit ~0.1 ms), but
# only small ones: the caches keep the text, and big documents must not pin memory.
CACHE_SIZE = 256
MAX_CACHED_QUERY = 16 * 1024


def _small(extension: SchemaExtension) -> bool:
    return len(extension.execution_context.query or "") <= MAX_CACHED_QUERY


class SmallParserCache(ParserCache):
    """strawberry's ParserCache for documents up to :data:`MAX_CACHED_QUERY` characters."""

    def on_parse(self) -> Iterator[None]:
        if _small(self):
            yield from super().on_parse()
        else:
            yield


class SmallValidationCache(ValidationCache):
    """strawberry's ValidationCache for documents up to :data:`MAX_CACHED_QUERY` characters
    (our validation rules depend on the document only, never on variables or the user)."""

    def on_validate(self) -> Iterator[None]:
        if _small(self):
            yield from super().on_validate()
        else:
            yield


def limit_extensions() -> list[Any]:
    from app.api.ratelimit_ext import WriteRateLimit

    # Classes and factories, never instances: Strawberry builds each request its own
    # extension objects from them (a shared instance holds whichever request's context
    # began last: strawberry-graphql/strawberry#4369). The two caches live at module
    # level in Strawberry, keyed by size, so they are shared all the same.
    return [
        partial(SmallParserCache, maxsize=CACHE_SIZE),
        partial(SmallValidationCache, maxsize=CACHE_SIZE),
        WriteRateLimit,
        partial(QueryDepthLimiter, max_depth=MAX_DEPTH),
        partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(AddValidationRules, [CostLimitRule]),
    ]
