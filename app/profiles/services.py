"""Reading and editing a profile: what the user sees at /account/profile ("why you see
this"), the interests they pick, personalisation on/off, the merge of an anonymous
browser's profile at sign-in, and the small functions other features read (the
recommender's cold start, the purchase model's price-band match)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.accounts.models import User
from app.errors import UserError
from app.profiles import decay
from app.profiles.models import Profile, ProfileTag
from app.rooms.services import CATEGORIES

DIMENSIONS = ("category", "topic", "streamer", "price", "hour")
TOP = 8  # tags shown per dimension
MIN_WEIGHT = 0.01  # decayed below this a tag is as good as gone
MAX_INTERESTS = 8
#: What a chosen interest counts for next to learned category weights.
CHOSEN_WEIGHT = 2.0


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Tag:
    dimension: str
    key: str
    label: str
    weight: float  # decayed to the time the profile was read
    updated_at: datetime


@dataclass
class ProfileView:
    """A profile as of ``at``: tags per dimension, strongest first."""

    subject: str
    user_id: int | None
    personalise: bool
    interests: list[str]
    tags: dict[str, list[Tag]] = field(default_factory=dict)
    orders: int = 0
    spent_cents: int = 0
    last_order_at: datetime | None = None
    last_seen_at: datetime | None = None
    at: datetime = field(default_factory=now)

    def top(self, dimension: str) -> list[Tag]:
        return self.tags.get(dimension, [])

    @property
    def price_band(self) -> str | None:
        """The price band they engage with most (None: nothing to tell yet)."""
        bands = self.top("price")
        return bands[0].key if bands else None

    @property
    def active_hours(self) -> list[int]:
        """Their most active UTC hours, most active first."""
        return [int(t.key) for t in self.top("hour")[:3]]

    @property
    def recency_days(self) -> int | None:
        if self.last_order_at is None:
            return None
        return max(0, (self.at - decay.utc(self.last_order_at)).days)


def _subject(user: User) -> str:
    return f"user:{user.id}"


async def profile_of(user: User) -> Profile:
    """The user's profile row (created empty on first use)."""
    found = await Profile.get_or_none(subject=_subject(user))
    if found is not None:
        return found
    try:
        async with in_transaction():
            return await Profile.create(subject=_subject(user), user_id=user.id)
    except IntegrityError:
        return await Profile.get(subject=_subject(user))


async def _labels(tags: list[ProfileTag]) -> dict[str, str]:
    ids = {int(t.key) for t in tags if t.dimension == "streamer" and t.key.isdigit()}
    if not ids:
        return {}
    names = await User.filter(id__in=ids).values_list("id", "display_name")
    return {str(i): str(name) for i, name in names}


def _label(tag: ProfileTag, streamers: dict[str, str]) -> str:
    if tag.dimension == "streamer":
        return streamers.get(tag.key, f"streamer #{tag.key}")
    if tag.dimension == "price":
        return decay.PRICE_BAND_LABELS.get(tag.key, tag.key)
    if tag.dimension == "hour":
        return f"{tag.key}:00 UTC"
    return tag.key


async def view_profile(profile: Profile, at: datetime | None = None, top: int = TOP) -> ProfileView:
    """The profile with every tag decayed to ``at`` (now), strongest first per dimension."""
    at = at or now()
    rows = await ProfileTag.filter(profile_id=profile.id)
    streamers = await _labels(rows)
    by_dim: dict[str, list[Tag]] = {}
    for row in rows:
        weight = decay.decayed(row.weight, decay.utc(row.updated_at), at)
        if weight < MIN_WEIGHT:
            continue
        by_dim.setdefault(row.dimension, []).append(
            Tag(row.dimension, row.key, _label(row, streamers), round(weight, 4), row.updated_at)
        )
    for dim, tags in by_dim.items():
        tags.sort(key=lambda t: (-t.weight, t.key))
        by_dim[dim] = tags[:top]
    return ProfileView(
        subject=profile.subject,
        user_id=profile.user_id,
        personalise=profile.personalise,
        interests=list(profile.interests or []),
        tags=by_dim,
        orders=profile.orders,
        spent_cents=profile.spent_cents,
        last_order_at=profile.last_order_at,
        last_seen_at=profile.last_seen_at,
        at=at,
    )


async def my_profile(user: User, at: datetime | None = None) -> ProfileView:
    """The signed-in user's profile as they see it."""
    return await view_profile(await profile_of(user), at)


def check_interests(interests: list[str]) -> list[str]:
    """Chosen interests, cleaned: known categories, no repeats. Bad input is a user error."""
    cleaned: list[str] = []
    for raw in interests:
        value = (raw or "").strip().lower()
        if value not in CATEGORIES:
            raise UserError(
                "INVALID_INTEREST",
                "choose among: {choices}",
                "interests",
                {"choices": ", ".join(CATEGORIES)},
            )
        if value not in cleaned:
            cleaned.append(value)
    if len(cleaned) > MAX_INTERESTS:
        raise UserError(
            "TOO_MANY_INTERESTS",
            "pick at most {max} interests",
            "interests",
            {"max": MAX_INTERESTS},
        )
    return cleaned


async def update_interests(user: User, interests: list[str]) -> ProfileView:
    """Replace the user's chosen interests (categories)."""
    cleaned = check_interests(interests)
    profile = await profile_of(user)
    profile.interests = cleaned
    await profile.save(update_fields=["interests", "updated_at"])
    return await view_profile(profile)


async def remove_tag(user: User, dimension: str, key: str) -> ProfileView:
    """Forget one learned tag ("not interested"); it comes back only with new activity."""
    if dimension not in DIMENSIONS:
        raise UserError(
            "INVALID_TAG",
            "dimension must be one of: {choices}",
            "dimension",
            {"choices": ", ".join(DIMENSIONS)},
        )
    profile = await profile_of(user)
    deleted = await ProfileTag.filter(profile_id=profile.id, dimension=dimension, key=key).delete()
    if not deleted:
        raise UserError("NOT_FOUND", "your profile has no such tag", "key")
    return await view_profile(profile)


async def set_personalisation(user: User, enabled: bool) -> ProfileView:
    """Turn personalised recommendations and shelf ordering on or off."""
    profile = await profile_of(user)
    profile.personalise = bool(enabled)
    await profile.save(update_fields=["personalise", "updated_at"])
    return await view_profile(profile)


async def personalisation_enabled(user_id: int | None) -> bool:
    """Whether recommendations and shelf ordering may use what we know of ``user_id``
    (False for nobody; True for a user without a profile yet)."""
    if user_id is None:
        return False
    flags = await Profile.filter(subject=f"user:{int(user_id)}").values_list(
        "personalise", flat=True
    )
    return bool(flags[0]) if flags else True


async def interest_categories(user_id: int, at: datetime | None = None) -> list[str]:
    """The categories to favour for ``user_id``, strongest first: chosen interests count
    :data:`CHOSEN_WEIGHT` each, learned category tags their decayed weight. Empty when
    personalisation is off or nothing is known (the recommender's cold start reads this)."""
    profile = await Profile.get_or_none(subject=f"user:{int(user_id)}")
    if profile is None or not profile.personalise:
        return []
    at = at or now()
    scores: dict[str, float] = {c: CHOSEN_WEIGHT for c in profile.interests or []}
    for row in await ProfileTag.filter(profile_id=profile.id, dimension="category"):
        scores[row.key] = scores.get(row.key, 0.0) + decay.decayed(
            row.weight, decay.utc(row.updated_at), at
        )
    ranked = sorted(
        ((w, c) for c, w in scores.items() if w >= MIN_WEIGHT), key=lambda x: (-x[0], x[1])
    )
    return [c for _, c in ranked]


async def price_band_match(
    user_id: int | None, price_cents: int, at: datetime | None = None
) -> float:
    """How much of the user's price-band attention falls in the band of ``price_cents``
    (0..1; 0 for nobody, no history, or personalisation off). A feature for the purchase
    model."""
    if user_id is None:
        return 0.0
    profile = await Profile.get_or_none(subject=f"user:{int(user_id)}")
    if profile is None or not profile.personalise:
        return 0.0
    at = at or now()
    weights = {
        row.key: decay.decayed(row.weight, decay.utc(row.updated_at), at)
        for row in await ProfileTag.filter(profile_id=profile.id, dimension="price")
    }
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return weights.get(decay.price_band(int(price_cents)), 0.0) / total


async def merge_anonymous(user: User, browser_key: str, at: datetime | None = None) -> bool:
    """Fold an anonymous browser's profile (``browser:<id>``) into the user's at sign-in;
    the anonymous one is gone afterwards. False when there was nothing to merge."""
    if not browser_key.startswith("browser:") or len(browser_key) <= len("browser:"):
        return False
    from app.profiles.updater import get_updater

    updater = get_updater()
    if updater is not None:  # what the browser did until now, written first
        await updater.flush()
    anon = await Profile.get_or_none(subject=browser_key, user_id=None)
    if anon is None:
        return False
    mine = await profile_of(user)
    at = at or now()
    async with in_transaction() as conn:
        theirs = {
            (t.dimension, t.key): t
            for t in await ProfileTag.filter(profile_id=anon.id).using_db(conn)
        }
        existing = {
            (t.dimension, t.key): t
            for t in await ProfileTag.filter(profile_id=mine.id).using_db(conn)
        }
        changed: list[ProfileTag] = []
        created: list[ProfileTag] = []
        for key, tag in theirs.items():
            own = existing.get(key)
            if own is None:
                created.append(
                    ProfileTag(
                        profile_id=mine.id,
                        dimension=tag.dimension,
                        key=tag.key,
                        weight=tag.weight,
                        updated_at=tag.updated_at,
                    )
                )
            else:
                own.weight, own.updated_at = decay.add(
                    own.weight, decay.utc(own.updated_at), tag.weight, decay.utc(tag.updated_at)
                )
                changed.append(own)
        if changed:
            await ProfileTag.bulk_update(changed, fields=["weight", "updated_at"], using_db=conn)
        if created:
            await ProfileTag.bulk_create(created, using_db=conn)
        if anon.last_seen_at and (
            mine.last_seen_at is None or anon.last_seen_at > mine.last_seen_at
        ):
            mine.last_seen_at = anon.last_seen_at
            await mine.save(update_fields=["last_seen_at", "updated_at"], using_db=conn)
        await anon.delete(using_db=conn)
    return True
