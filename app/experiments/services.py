"""Experiments: create, start, stop, assign (logging the first exposure) and read results.

Rules:
* Platform experiments (recommendations, generic) are managed by moderators and admins; a
  coupon experiment belongs to the streamer who runs it (and admins).
* Variants and the pre-registered sample size are fixed once an experiment starts.
* Assignment is deterministic (:mod:`app.experiments.assignment`); only a running experiment
  assigns, and the first time a subject is assigned an :class:`Exposure` row is written
  (the unique ``(experiment, subject)`` constraint makes concurrent first exposures one).
* At most one experiment of a kind (and owner) runs at a time, so the code that reads
  "the running recommendation experiment" has one answer.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from app.accounts.models import ROLE_RANK, Role, User
from app.errors import NotFound, PermissionDenied, UserError
from app.experiments.assignment import assign, subject_key
from app.experiments.models import Experiment, ExperimentKind, ExperimentStatus, Exposure
from app.i18n import N_, lazy_gettext

#: Experiment kinds as words in messages.
_KIND_WORDS = {"recs": N_("recs"), "coupon": N_("coupon"), "generic": N_("generic")}

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")
MAX_VARIANTS = 6
MIN_SAMPLE, MAX_SAMPLE = 10, 1_000_000


def now() -> datetime:
    return datetime.now(UTC)


def _is_moderator(user: User | None) -> bool:
    return user is not None and ROLE_RANK[Role(user.role)] >= ROLE_RANK[Role.MODERATOR]


def require_manager(user: User | None, experiment: Experiment | None = None) -> User:
    """The user may manage ``experiment`` (or platform experiments when None)."""
    if user is None:
        raise PermissionDenied("sign in to manage experiments")
    if _is_moderator(user):
        return user
    if experiment is not None and experiment.owner_id == user.id:
        return user
    raise PermissionDenied("only moderators and admins manage platform experiments")


@dataclass(frozen=True)
class VariantSpec:
    name: str
    weight: float = 1.0
    value: Any = None


def _clean_variants(variants: list[VariantSpec]) -> list[dict[str, Any]]:
    if not 2 <= len(variants) <= MAX_VARIANTS:
        raise UserError(
            "INVALID_VARIANTS",
            "an experiment has 2 to {max} variants",
            "variants",
            {"max": MAX_VARIANTS},
        )
    names: set[str] = set()
    cleaned: list[dict[str, Any]] = []
    for v in variants:
        name = (v.name or "").strip()
        if not name or len(name) > 40:
            raise UserError("INVALID_VARIANTS", "each variant needs a name (1-40)", "variants")
        if name in names:
            raise UserError(
                "INVALID_VARIANTS", "variant {name} appears twice", "variants", {"name": repr(name)}
            )
        if not (isinstance(v.weight, int | float) and 0 < float(v.weight) <= 100):
            raise UserError("INVALID_VARIANTS", "weights are between 0 and 100", "variants")
        names.add(name)
        cleaned.append({"name": name, "weight": float(v.weight), "value": v.value})
    return cleaned


async def create_experiment(
    user: User | None,
    key: str,
    name: str,
    variants: list[VariantSpec],
    sample_size: int,
    kind: ExperimentKind | str = ExperimentKind.GENERIC,
    hypothesis: str = "",
) -> Experiment:
    """Create a draft experiment. Coupon experiments are owned by their creator (a
    streamer); the others need a moderator or admin."""
    try:
        kind = ExperimentKind(kind)
    except ValueError:
        raise UserError("INVALID_KIND", "unknown experiment kind", "kind") from None
    if user is None:
        raise PermissionDenied("sign in to manage experiments")
    if kind != ExperimentKind.COUPON:
        require_manager(user)
    elif not (_is_moderator(user) or Role(user.role) == Role.STREAMER):
        raise PermissionDenied("only streamers run coupon experiments")
    key = (key or "").strip().lower()
    if not KEY_PATTERN.match(key):
        raise UserError(
            "INVALID_KEY", "the key is 2-64 lowercase letters, digits, '-' or '_'", "key"
        )
    name = (name or "").strip()
    if not 1 <= len(name) <= 120:
        raise UserError("INVALID_NAME", "the name is 1 to 120 characters", "name")
    cleaned = _clean_variants(variants)
    if kind == ExperimentKind.COUPON:
        for v in cleaned:
            if not isinstance(v["value"], int) or not 1 <= v["value"] <= 100:
                raise UserError(
                    "INVALID_VARIANTS", "coupon variants carry a percent off (1-100)", "variants"
                )
    if not isinstance(sample_size, int) or not MIN_SAMPLE <= sample_size <= MAX_SAMPLE:
        raise UserError(
            "INVALID_SAMPLE_SIZE",
            "the sample size per variant is {min} to {max}",
            "sampleSize",
            {"min": MIN_SAMPLE, "max": MAX_SAMPLE},
        )
    if await Experiment.filter(key=key).exists():
        raise UserError("KEY_TAKEN", "an experiment with this key exists", "key")
    try:
        return await Experiment.create(
            key=key,
            name=name,
            hypothesis=(hypothesis or "").strip()[:2000],
            kind=kind,
            salt=secrets.token_hex(8),
            variants=cleaned,
            sample_size=sample_size,
            owner_id=user.id if kind == ExperimentKind.COUPON else None,
        )
    except IntegrityError:
        raise UserError("KEY_TAKEN", "an experiment with this key exists", "key") from None


async def get_experiment(experiment_id: int) -> Experiment:
    found = await Experiment.get_or_none(id=experiment_id)
    if found is None:
        raise NotFound("experiment", "experimentId")
    return found


async def managed_experiment(user: User | None, experiment_id: int) -> Experiment:
    """An experiment ``user`` may manage (``NOT_FOUND`` for one they may not see)."""
    experiment = await get_experiment(experiment_id)
    try:
        require_manager(user, experiment)
    except PermissionDenied:
        if experiment.owner_id is not None:
            raise NotFound("experiment", "experimentId") from None
        raise
    return experiment


def experiments_query(user: User | None) -> Any:
    """Every experiment for a moderator; a streamer's own coupon experiments otherwise
    (newest first, a queryset for pagination)."""
    if user is None:
        raise PermissionDenied("sign in to see experiments")
    query = Experiment.all() if _is_moderator(user) else Experiment.filter(owner_id=user.id)
    return query.order_by("-id")


async def list_experiments(user: User | None) -> list[Experiment]:
    """Every experiment for a moderator; a streamer's own coupon experiments otherwise."""
    return list(await experiments_query(user))


async def start_experiment(user: User | None, experiment_id: int) -> Experiment:
    """Start a draft: from now on it assigns subjects. One running experiment per kind
    (and owner) at a time."""
    experiment = await managed_experiment(user, experiment_id)
    if experiment.status != ExperimentStatus.DRAFT:
        raise UserError("NOT_DRAFT", "only a draft experiment can start", "experimentId")
    clash = await Experiment.filter(
        kind=experiment.kind, owner_id=experiment.owner_id, status=ExperimentStatus.RUNNING
    ).exists()
    if clash and experiment.kind != ExperimentKind.GENERIC:
        raise UserError(
            "ALREADY_RUNNING",
            "another {kind} experiment is running: stop it first",
            "experimentId",
            {"kind": lazy_gettext(_KIND_WORDS.get(experiment.kind, experiment.kind))},
        )
    updated = await Experiment.filter(id=experiment.id, status=ExperimentStatus.DRAFT).update(
        status=ExperimentStatus.RUNNING, started_at=now()
    )
    if not updated:
        raise UserError("NOT_DRAFT", "only a draft experiment can start", "experimentId")
    return await get_experiment(experiment.id)


async def stop_experiment(user: User | None, experiment_id: int) -> Experiment:
    """Stop a running experiment: it assigns no one any more; its results stay."""
    experiment = await managed_experiment(user, experiment_id)
    updated = await Experiment.filter(id=experiment.id, status=ExperimentStatus.RUNNING).update(
        status=ExperimentStatus.STOPPED, stopped_at=now()
    )
    if not updated:
        raise UserError("NOT_RUNNING", "only a running experiment can stop", "experimentId")
    return await get_experiment(experiment.id)


async def running(kind: ExperimentKind, owner_id: int | None = None) -> Experiment | None:
    """The running experiment of ``kind`` (for ``owner_id``'s coupons), if any."""
    return (
        await Experiment.filter(kind=kind, owner_id=owner_id, status=ExperimentStatus.RUNNING)
        .order_by("-started_at")
        .first()
    )


def variant_of(experiment: Experiment, name: str) -> dict[str, Any]:
    for v in experiment.variants:
        if v["name"] == name:
            return dict(v)
    raise KeyError(name)


async def expose(
    experiment: Experiment, user_id: int | None, anonymous_id: str | None = None
) -> dict[str, Any] | None:
    """The variant of a subject in a running experiment, logging the exposure the first
    time (None for no subject or an experiment not running)."""
    if experiment.status != ExperimentStatus.RUNNING:
        return None
    subject = subject_key(user_id, anonymous_id)
    if subject is None:
        return None
    name = assign(experiment.salt, subject, experiment.variants)
    if not await Exposure.exists(experiment_id=experiment.id, subject=subject):
        try:
            await Exposure.create(
                experiment_id=experiment.id, subject=subject, user_id=user_id, variant=name
            )
        except IntegrityError:
            pass  # exposed concurrently: the first row stands
    return variant_of(experiment, name)


async def exposure_counts(experiment_id: int) -> dict[str, int]:
    rows: list[Any] = await Exposure.filter(experiment_id=experiment_id).values_list(
        "variant", flat=True
    )
    counts: dict[str, int] = {}
    for name in rows:
        counts[name] = counts.get(name, 0) + 1
    return counts
