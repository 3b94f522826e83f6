"""Experiments and the coupon advisor over GraphQL: ``experiments``, ``experiment``,
``couponAdvice``; ``createExperiment``, ``startExperiment``, ``stopExperiment``. Every rule
lives in :mod:`app.experiments` and :mod:`app.marketing`; refusals of queries are GraphQL
errors with a ``code``, of mutations typed payload errors."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from app.api import errors
from app.api.context import Info
from app.api.ids import decode_id, encode_id
from app.api.pagination import Connection, paginate
from app.experiments import results, services
from app.experiments.models import Experiment
from app.experiments.services import VariantSpec
from app.experiments.stats import Estimate
from app.marketing import advisor


@strawberry.enum
class ExperimentKindEnum(Enum):
    RECS = "recs"
    COUPON = "coupon"
    GENERIC = "generic"


@strawberry.type(description="An estimate with its confidence interval.")
class IntervalType:
    value: float
    low: float
    high: float
    n: int
    level: float

    @classmethod
    def of(cls, e: Estimate) -> IntervalType:
        return cls(value=e.value, low=e.low, high=e.high, n=e.n, level=e.level)


@strawberry.type
class VariantType:
    name: str
    weight: float
    value: str | None = strawberry.field(description="The variant's value, as text.")


@strawberry.type
class VariantResultType:
    name: str
    exposed: int = strawberry.field(description="Signed-in subjects exposed.")
    anonymous: int
    ctr: IntervalType
    cvr: IntervalType
    gmv_per_viewer: IntervalType = strawberry.field(description="Cents.")
    redemption: IntervalType


@strawberry.type
class ExperimentResultsType:
    ready: bool = strawberry.field(
        description="Every variant reached the pre-registered sample size; until then the "
        "numbers are provisional (not enough data yet)."
    )
    needed: int
    variants: list[VariantResultType]


@strawberry.type(name="Experiment")
class ExperimentType:
    id: strawberry.ID
    key: str
    name: str
    hypothesis: str
    kind: ExperimentKindEnum
    status: str
    sample_size: int
    variants: list[VariantType]
    created_at: datetime
    started_at: datetime | None
    stopped_at: datetime | None
    _model: strawberry.Private[Experiment]

    @strawberry.field(description="Metrics per variant with 95% intervals.")
    async def results(self) -> ExperimentResultsType:
        read = await results.compute(self._model)
        return ExperimentResultsType(
            ready=read.ready,
            needed=read.needed,
            variants=[
                VariantResultType(
                    name=v.name,
                    exposed=v.exposed,
                    anonymous=v.anonymous,
                    ctr=IntervalType.of(v.ctr),
                    cvr=IntervalType.of(v.cvr),
                    gmv_per_viewer=IntervalType.of(v.gmv_per_viewer),
                    redemption=IntervalType.of(v.redemption),
                )
                for v in read.variants
            ],
        )

    @classmethod
    def from_model(cls, e: Experiment) -> ExperimentType:
        return cls(
            id=strawberry.ID(encode_id("Experiment", e.id)),
            key=e.key,
            name=e.name,
            hypothesis=e.hypothesis,
            kind=ExperimentKindEnum(str(e.kind)),
            status=str(e.status),
            sample_size=e.sample_size,
            variants=[
                VariantType(
                    name=v["name"],
                    weight=float(v["weight"]),
                    value=None if v.get("value") is None else str(v["value"]),
                )
                for v in e.variants
            ],
            created_at=e.created_at,
            started_at=e.started_at,
            stopped_at=e.stopped_at,
            _model=e,
        )


@strawberry.type
class CouponOptionType:
    percent: int
    claim_rate: IntervalType
    redemption_rate: IntervalType
    incremental_gmv: float = strawberry.field(description="Cents per 100 viewers.")
    cost: float = strawberry.field(description="Cents per 100 viewers.")
    margin: IntervalType = strawberry.field(description="Cents per 100 viewers, 90% range.")
    own_viewers: int
    own_claims: int
    own_redemptions: int
    shrinkage: float = strawberry.field(description="Weight of the platform prior (0..1).")


@strawberry.type
class CouponAdviceType:
    has_history: bool
    message: str
    suggest_experiment: bool
    best_percent: int
    options: list[CouponOptionType]


def _option(o: advisor.Option) -> CouponOptionType:
    return CouponOptionType(
        percent=o.percent,
        claim_rate=IntervalType(
            value=o.claim_rate, low=o.claim_low, high=o.claim_high, n=o.own.viewers, level=0.9
        ),
        redemption_rate=IntervalType(
            value=o.redemption_rate,
            low=o.redemption_low,
            high=o.redemption_high,
            n=o.own.claims,
            level=0.9,
        ),
        incremental_gmv=o.incremental_gmv,
        cost=o.cost,
        margin=IntervalType(
            value=o.margin, low=o.margin_low, high=o.margin_high, n=o.own.viewers, level=0.9
        ),
        own_viewers=o.own.viewers,
        own_claims=o.own.claims,
        own_redemptions=o.own.redemptions,
        shrinkage=o.shrinkage,
    )


@strawberry.input
class VariantInput:
    name: str
    weight: float = 1.0
    value: str | None = strawberry.field(
        default=None, description="Coupon experiments: the percent off; recs: model/predicted."
    )


@errors.payload
class ExperimentPayload:
    experiment: ExperimentType | None = None


def _value(kind: ExperimentKindEnum, raw: str | None) -> Any:
    if kind == ExperimentKindEnum.COUPON and raw is not None and raw.isascii() and raw.isdigit():
        return int(raw)
    return raw


@strawberry.type
class Query:
    @errors.field(
        description="Experiments, newest first: every one for moderators and admins, a "
        "streamer's own coupon experiments otherwise."
    )
    async def experiments(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[ExperimentType]:
        user = info.context.principal.require_user(write=False)
        return await paginate(
            services.experiments_query(user), first, after, ExperimentType.from_model
        )

    @errors.field(description="One experiment the viewer may manage, with its results.")
    async def experiment(self, info: Info, id: strawberry.ID) -> ExperimentType:
        user = info.context.principal.require_user(write=False)
        found = await services.managed_experiment(user, decode_id(id, "Experiment"))
        return ExperimentType.from_model(found)

    @errors.field(
        description="The coupon strategy advisor for the signed-in streamer: per candidate "
        "percent off, expected claim and redemption rates, incremental GMV, cost and margin."
    )
    async def coupon_advice(self, info: Info) -> CouponAdviceType:
        user = info.context.principal.require_user(write=False)
        advice = await advisor.advise(user)
        return CouponAdviceType(
            has_history=advice.has_history,
            message=advice.message,
            suggest_experiment=advice.suggest_experiment,
            best_percent=advice.best.percent,
            options=[_option(o) for o in advice.options],
        )


@strawberry.type
class Mutation:
    @errors.mutation(
        description="Create a draft experiment (platform kinds: moderators and admins; "
        "coupon: streamers, for their own drops)."
    )
    async def create_experiment(
        self,
        info: Info,
        key: str,
        name: str,
        variants: list[VariantInput],
        sample_size: int,
        kind: ExperimentKindEnum = ExperimentKindEnum.GENERIC,
        hypothesis: str = "",
    ) -> ExperimentPayload:
        user = info.context.principal.require_user()
        made = await services.create_experiment(
            user,
            key,
            name,
            [VariantSpec(v.name, v.weight, _value(kind, v.value)) for v in variants],
            sample_size,
            kind.value,
            hypothesis,
        )
        return ExperimentPayload(experiment=ExperimentType.from_model(made))

    @errors.mutation(description="Start a draft experiment.")
    async def start_experiment(self, info: Info, id: strawberry.ID) -> ExperimentPayload:
        user = info.context.principal.require_user()
        found = await services.start_experiment(user, decode_id(id, "Experiment"))
        return ExperimentPayload(experiment=ExperimentType.from_model(found))

    @errors.mutation(description="Stop a running experiment (its results stay).")
    async def stop_experiment(self, info: Info, id: strawberry.ID) -> ExperimentPayload:
        user = info.context.principal.require_user()
        found = await services.stop_experiment(user, decode_id(id, "Experiment"))
        return ExperimentPayload(experiment=ExperimentType.from_model(found))
