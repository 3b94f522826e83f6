"""graphql-core's execution with a shortcut for plain leaf fields.

A page of 20 products executes ~930 fields; ~650 of them are plain attributes (a title,
a price, a status, a date) that Strawberry resolves with ``getattr``. graphql-core still
builds a resolve info for each, calls Strawberry's resolver wrapper, asks whether the
value is awaitable and dispatches on the return type before coercing the scalar: most of
a computed page's CPU. :class:`ExecutionContext` answers such a field directly: the
attribute, coerced by the field's scalar or enum type. Anything else (a resolver, an
argument, a field extension, a missing or null value, a value the type refuses, an
object or a list) goes through graphql-core as always, so results and errors are the
same (tests/api/test_execution.py compares both executions on the documented operations).
"""

from __future__ import annotations

from typing import Any

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    is_leaf_type,
)

# (parent type, field name) -> (attribute, leaf type), or None: not a plain leaf field.
Plan = tuple[str, GraphQLLeafType] | None


def _plan(field: GraphQLField | None) -> Plan:
    """The attribute and the leaf type of a plain leaf field (Strawberry's basic field:
    no resolver, no field extensions, no arguments), else None."""
    if field is None or field.args:
        return None
    definition = field.extensions.get("strawberry-definition") if field.extensions else None
    if definition is None or not getattr(definition, "is_basic_field", False):
        return None
    if not getattr(field.resolve, "_is_default", False):
        return None  # a resolver Strawberry built for another reason (exception handlers)
    leaf = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    if not is_leaf_type(leaf):
        return None
    return definition.python_name, leaf


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with plain leaf fields answered directly."""

    _plans: dict[tuple[GraphQLObjectType, str], Plan] = {}  # per schema, built lazily

    @property
    def _no_middleware(self) -> bool:
        """Whether no graphql-core middleware wraps resolvers (Strawberry always passes a
        manager, empty unless an extension resolves fields)."""
        manager = self.middleware_manager
        return manager is None or not manager.middlewares

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        name = field_details_list[0].node.name.value
        key = (parent_type, name)
        plans = self._plans
        if key in plans:
            plan = plans[key]
        else:
            plan = plans[key] = _plan(self.schema.get_field(parent_type, name))
        if plan is not None and self._no_middleware:
            attribute, leaf = plan
            value = getattr(source, attribute, None)
            if value is not None:
                try:
                    coerced = leaf.coerce_output_value(value)
                except Exception:
                    coerced = None
                if coerced is not None and coerced is not Undefined:
                    return coerced
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
