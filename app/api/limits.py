"""Limits that refuse abusive documents before they execute: depth, aliases, tokens, cost."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from functools import partial
from typing import Any

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.types import ExecutionContext

from app.errors import UserError
from graphql import (
    ArgumentNode,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    value_from_ast_untyped,
)

log = logging.getLogger("livemart.api")

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 4000
MAX_COST = 20000
DEFAULT_LIST_SIZE = 10
PAGE_ARGS = ("first", "last", "limit")
# List arguments whose length multiplies the selection: ``nodes(ids:)``.
LIST_ARGS = ("ids",)
MAX_IDS = 100  # the most ids one ``nodes`` field takes
# Objects one operation may fetch by id through ``node`` / ``nodes`` (aliases included):
# each is a lookup of its own, so 30 aliases x 100 ids must not pass as 3,000 cheap fields.
MAX_LOOKUPS = 200
# An HTTP request body: room for an 8 MB image in base64 (uploadProductImage), no more.
MAX_BODY_BYTES = 12 * 1024 * 1024


def _argument_value(arg: ArgumentNode, variables: dict[str, Any]) -> Any:
    """An argument's value: the literal, or the variable's value (``None`` when unknown)."""
    if isinstance(arg.value, VariableNode):
        return variables.get(arg.value.name.value)
    if isinstance(arg.value, IntValueNode):
        digits = arg.value.value
        return int(digits) if len(digits) <= 18 else MAX_COST * 10  # no 5,000-digit parse
    if isinstance(arg.value, ListValueNode):
        return list(arg.value.values)
    return None


def _multiplier(field: FieldNode, variables: dict[str, Any]) -> int:
    """How many times a field's selection runs: its page size, or for ``nodes(ids:)`` the
    number of ids (each one a lookup)."""
    for arg in field.arguments or ():
        name = arg.name.value
        if name in PAGE_ARGS:
            value = _argument_value(arg, variables)
            return max(1, value) if isinstance(value, int) else DEFAULT_LIST_SIZE
        if name in LIST_ARGS:
            value = _argument_value(arg, variables)
            return max(1, len(value)) if isinstance(value, list) else 1
    return 1


def _lookups(field: FieldNode, variables: dict[str, Any]) -> int:
    """Objects a root ``node`` / ``nodes`` field fetches by id (0 for other fields)."""
    if field.name.value == "node":
        return 1
    if field.name.value == "nodes":
        return _multiplier(field, variables)
    return 0


def operation_cost(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any] | None = None,
) -> tuple[int, int]:
    """``(cost, lookups)`` of one operation: each field costs 1, times the page size (or
    the number of ids) of every list above it; lookups count the objects fetched by id
    through ``node`` / ``nodes``. ``variables`` are the operation's actual values (a
    variable's default when not given); an unknown page size counts
    :data:`DEFAULT_LIST_SIZE`, unknown ids one (the validation rule sees no variables:
    :class:`VariableCostLimit` costs them)."""
    fragments = _fragments(document)
    values = _with_defaults(operation, variables or {})
    cost = _cost(operation.selection_set, fragments, set(), values)
    lookups = 0
    for field in _root_fields(operation.selection_set, fragments, set()):
        lookups += _lookups(field, values)
    return cost, lookups


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def _with_defaults(operation: OperationDefinitionNode, variables: dict[str, Any]) -> dict[str, Any]:
    values = dict(variables)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value)
    return values


def _root_fields(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode], seen: set[str]
) -> Iterator[FieldNode]:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in seen and name in fragments:
                yield from _root_fields(fragments[name].selection_set, fragments, seen | {name})


def _cost(
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
            inner = _cost(selection.selection_set, fragments, seen, variables)
            total += 1 + _multiplier(selection, variables) * inner
        elif isinstance(selection, InlineFragmentNode):
            total += _cost(selection.selection_set, fragments, seen, variables)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen or name not in fragments:
                continue
            total += _cost(fragments[name].selection_set, fragments, seen | {name}, variables)
        if total > MAX_COST * 10:
            return total
    return total


def too_expensive(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any] | None = None,
) -> GraphQLError | None:
    """The error refusing ``operation`` when it costs more than :data:`MAX_COST` or looks
    up more than :data:`MAX_LOOKUPS` objects by id, else ``None``."""
    cost, lookups = operation_cost(document, operation, variables)
    fields = _root_fields(operation.selection_set, _fragments(document), set())
    values = _with_defaults(operation, variables or {})
    if any(_lookups(field, values) > MAX_IDS for field in fields):
        return GraphQLError(f"at most {MAX_IDS} ids", operation, extensions={"code": "TOO_MANY"})
    if cost > MAX_COST:
        message = f"query is too expensive: cost {cost} exceeds {MAX_COST}"
    elif lookups > MAX_LOOKUPS:
        message = f"query is too expensive: {lookups} lookups by id exceed {MAX_LOOKUPS}"
    else:
        return None
    return GraphQLError(message, operation, extensions={"code": "QUERY_TOO_EXPENSIVE"})


class CostLimitRule(ValidationRule):
    """Refuses operations over the cost or lookup budget as written in the document (a
    variable counts as its default, or as :func:`operation_cost` says);
    :class:`VariableCostLimit` costs the request again with its actual variables."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        error = too_expensive(self.context.document, node)
        if error is not None:
            self.report_error(error)


class VariableCostLimit(SchemaExtension):
    """Costs the operation with the request's actual variables (``products(first: $n)``
    with ``n = 100`` costs 100 pages, not the default 10) once it is valid, and answers
    an operation over budget without executing it. (The validation cache is keyed by the
    document alone, so this check cannot be a validation rule.)"""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.result is None:
            variables = context.variables if isinstance(context.variables, dict) else {}
            error = _first_error(document, context.operation_name, variables)
            if error is not None:
                context.result = ExecutionResult(data=None, errors=[error])
        yield


class IntrospectionGate(SchemaExtension):
    """Refuses ``__schema`` / ``__type`` when the server runs with
    ``LIVEMART_ENV=production`` (``__typename`` stays: clients need it). The published
    contract is ``graphql/schema.graphql``; development servers keep introspection and
    GraphiQL."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        settings = getattr(context.context, "settings", None)
        document = context.graphql_document
        if (
            getattr(settings, "production", False)
            and document is not None
            and context.result is None
            and _introspects(document)
        ):
            error = GraphQLError(
                "introspection is disabled on this server; see graphql/schema.graphql",
                extensions={"code": "INTROSPECTION_DISABLED"},
            )
            context.result = ExecutionResult(data=None, errors=[error])
        yield


def _introspects(document: DocumentNode) -> bool:
    fragments = _fragments(document)
    for operation in document.definitions:
        if isinstance(operation, OperationDefinitionNode):
            for field in _root_fields(operation.selection_set, fragments, set()):
                if field.name.value in ("__schema", "__type"):
                    return True
    return False


def _first_error(
    document: DocumentNode, operation_name: str | None, variables: dict[str, Any]
) -> GraphQLError | None:
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        name = operation.name.value if operation.name else None
        if operation_name is None or name == operation_name:
            return too_expensive(document, operation, variables)
    return None


def is_expected(error: GraphQLError) -> bool:
    """Errors a client causes: a bad document (no original error), the GraphQLErrors we
    raise on purpose, and :class:`UserError`."""
    original = error.original_error
    return original is None or isinstance(original, GraphQLError | UserError)


class ApiSchema(strawberry.Schema):
    """The schema, with error logging that tells the two kinds apart: errors we caused are
    logged at ERROR with the operation, the user and the traceback (then masked by
    ``MaskErrors``); a client's errors (a bad document, a typed refusal) only at DEBUG,
    without a traceback (Strawberry logs every error with one)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if is_expected(error):
                log.debug("client error: %s", error.message)
                continue
            context = getattr(execution_context, "context", None)
            user = getattr(getattr(context, "principal", None), "user", None)
            log.error(
                "unexpected error in operation %r (user %s) at %s",
                getattr(execution_context, "operation_name", None),
                getattr(user, "id", None),
                error.path,
                exc_info=error.original_error,
            )


def should_mask(error: GraphQLError) -> bool:
    """Mask every error we caused; a client's errors keep their message."""
    return not is_expected(error)


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


# The validation rules, as classes built once: the validation cache is keyed by the
# document *and* the rule classes, and Strawberry's QueryDepthLimiter / MaxAliasesLimiter
# build a new rule class per instance, i.e. per request, so with them no validation ever
# hit the cache (validating the products page was half of its request time).
VALIDATION_RULES: tuple[type[ValidationRule], ...] = (
    depth_rule(MAX_DEPTH, None),
    alias_rule(MAX_ALIASES),
    CostLimitRule,
)


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
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(AddValidationRules, list(VALIDATION_RULES)),
        VariableCostLimit,
        IntrospectionGate,
    ]
