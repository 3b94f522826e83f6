"""The GraphQL schema: each domain's Query / Mutation / Subscription merged into one."""

from __future__ import annotations

from functools import partial

import strawberry
from strawberry.extensions import MaskErrors
from strawberry.printer import print_schema
from strawberry.tools import merge_types

from app.api.accounts import schema as accounts_api
from app.api.accounts import subscriptions as accounts_subs
from app.api.analytics import schema as analytics_api
from app.api.attribution import schema as attribution_api
from app.api.chat import schema as chat_api
from app.api.commerce import schema as commerce_api
from app.api.execution import ExecutionContext
from app.api.experiments import schema as experiments_api
from app.api.faq import schema as faq_api
from app.api.gifts import schema as gifts_api
from app.api.limits import ApiSchema, limit_extensions, should_mask
from app.api.live_commerce import schema as live_commerce_api
from app.api.moderation import schema as moderation_api
from app.api.node import NodeQuery
from app.api.notify import schema as notify_api
from app.api.profiles import schema as profiles_api
from app.api.recognition import schema as recognition_api
from app.api.recs import schema as recs_api
from app.api.rooms import schema as rooms_api
from app.api.search import schema as search_api
from app.api.simulcast import schema as simulcast_api

# Each domain adds its modules here.
QUERIES: tuple[type, ...] = (
    NodeQuery,
    accounts_api.Query,
    rooms_api.Query,
    chat_api.Query,
    moderation_api.Query,
    gifts_api.Query,
    commerce_api.Query,
    live_commerce_api.Query,
    analytics_api.Query,
    experiments_api.Query,
    recs_api.Query,
    search_api.Query,
    faq_api.Query,
    simulcast_api.Query,
    profiles_api.Query,
    attribution_api.Query,
    notify_api.Query,
)
MUTATIONS: tuple[type, ...] = (
    accounts_api.Mutation,
    rooms_api.Mutation,
    chat_api.Mutation,
    moderation_api.Mutation,
    gifts_api.Mutation,
    commerce_api.Mutation,
    live_commerce_api.Mutation,
    analytics_api.Mutation,
    experiments_api.Mutation,
    faq_api.Mutation,
    recognition_api.Mutation,
    simulcast_api.Mutation,
    profiles_api.Mutation,
    attribution_api.Mutation,
    notify_api.Mutation,
)
SUBSCRIPTIONS: tuple[type, ...] = (
    accounts_subs.Subscription,
    rooms_api.Subscription,
    faq_api.Subscription,
    recognition_api.Subscription,
    notify_api.Subscription,
)


def build_schema() -> strawberry.Schema:
    return ApiSchema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS),
        subscription=merge_types("Subscription", SUBSCRIPTIONS),
        execution_context_class=ExecutionContext,
        extensions=[
            *limit_extensions(),
            partial(
                MaskErrors, should_mask_error=should_mask, error_message="Internal server error."
            ),
        ],
    )


schema = build_schema()


def sdl() -> str:
    """The schema in SDL, as published in ``graphql/schema.graphql``."""
    return print_schema(schema) + "\n"
