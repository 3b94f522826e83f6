import asyncio
import threading

import numpy as np
import pytest

from recsys.errors import UnknownItem
from recsys.matrix import Interactions
from recsys.model import HybridParams, Recommender, Scored, train

from .conftest import FAST


def _consumed(model: Recommender, user_id: int) -> set[int]:
    row = model.user_items[model.users.index(user_id)]
    return {model.items.id_of(j) for j in row.indices}


def test_recommend_filters_consumed_and_excluded_items(model: Recommender):
    first = model.recommend(1, 10)
    assert len(first) == 10 and all(isinstance(r, Scored) for r in first)
    assert not {r.item_id for r in first} & _consumed(model, 1)
    scores = [r.score for r in first]
    assert scores == sorted(scores, reverse=True)

    out_of_stock = {r.item_id for r in first[:5]} | {"not-an-item", 999_999}
    second = model.recommend(1, 10, exclude=out_of_stock)
    assert len(second) == 10
    assert not {r.item_id for r in second} & out_of_stock
    assert [r.item_id for r in second[:5]] == [r.item_id for r in first[5:]]


def test_recommend_can_keep_consumed_items_and_restrict_to_candidates(model: Recommender):
    assert {r.item_id for r in model.recommend(1, 50, filter_consumed=False)} & _consumed(model, 1)
    assert {r.item_id for r in model.recommend(1, 10, candidates=[50, 100, 181])} <= {50, 100, 181}


def test_unknown_user_gets_trending_items(model: Recommender):
    assert not model.knows_user("new-user")
    recs = model.recommend("new-user", 5, exclude={model.popular(1)[0].item_id})
    assert recs == model.popular(5, exclude={model.popular(1)[0].item_id})
    assert len(recs) == 5
    all_time = model.popular(5, trending=False)
    assert all_time[0].item_id == 50  # Star Wars: the most rated movie of ML-100k


def test_similar_items(model: Recommender):
    similar = model.similar_items(50, 10, exclude={172})
    ids = [r.item_id for r in similar]
    assert len(ids) == 10 and 50 not in ids and 172 not in ids
    # Star Wars' neighbours include its sequel Return of the Jedi (181)
    assert 181 in [r.item_id for r in model.similar_items(50, 10)]


def test_unknown_item_raises_a_clear_keyerror(model: Recommender):
    with pytest.raises(KeyError) as err:
        model.similar_items(10_000_000)
    assert isinstance(err.value, UnknownItem)
    assert "unknown item: 10000000" in str(err.value)


def test_recalculate_user_updates_recommendations_without_retraining(model: Recommender):
    user = 7
    before = [r.item_id for r in model.recommend(user, 10)]
    factors_before = model.user_factors.copy()
    other_before = model.recommend(8, 10)

    new_items = [
        r.item_id
        for r in model.similar_items(before[0], 40)
        if r.item_id not in _consumed(model, user)
    ][:5]
    used = model.recalculate_user(user, {item: 5.0 for item in new_items} | {"unknown": 5.0})
    assert used == 5

    after = [r.item_id for r in model.recommend(user, 10)]
    assert after != before
    assert not set(after) & set(new_items)  # now consumed
    np.testing.assert_array_equal(model.user_factors, factors_before)  # no retraining
    assert model.recommend(8, 10) == other_before


def test_recalculate_a_new_user_personalises_their_recommendations(model: Recommender):
    # a fan of the Star Wars trilogy, never seen in training
    model.recalculate_user("fan", [(50, 5.0), (172, 5.0), (181, 5.0)])
    assert model.knows_user("fan")
    recs = [r.item_id for r in model.recommend("fan", 10)]
    assert recs != [r.item_id for r in model.popular(10)]
    assert not {50, 172, 181} & set(recs)


def test_folding_in_a_training_row_reproduces_its_recommendations(model: Recommender):
    user = 42
    trained = {r.item_id for r in model.recommend(user, 10)}
    row = model.user_items[model.users.index(user)]
    history = {model.items.id_of(j): float(v) for j, v in zip(row.indices, row.data, strict=True)}
    model.recalculate_user(f"copy-of-{user}", history)
    folded = {r.item_id for r in model.recommend(f"copy-of-{user}", 10)}
    assert len(trained & folded) >= 6


def test_training_is_seeded_and_reports_progress(ml100k: Interactions, model: Recommender):
    seen: list[tuple[str, float]] = []
    again = train(ml100k, FAST, num_threads=2, progress=lambda s, d: seen.append((s, d)))
    np.testing.assert_allclose(again.item_factors, model.item_factors, rtol=1e-5, atol=1e-6)
    fractions = [d for _, d in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert {"matrix", "als", "knn", "done"} <= {s for s, _ in seen}
    assert again.info["n_interactions"] == 100_000


def test_string_ids_end_to_end():
    rng = np.random.default_rng(0)
    records = []
    for u in range(40):
        group = u % 2  # two tastes: even users like items p0-p9, odd users p10-p19
        for i in rng.choice(10, 6, replace=False):
            records.append((f"u{u}", f"p{i + 10 * group}", 1.0, 1_700_000_000 + u))
    m = train(Interactions.from_records(records), HybridParams(factors=4, n_models=1, knn_k=5))
    recs = m.recommend("u0", 3)
    assert len(recs) == 3 and all(isinstance(r.item_id, str) for r in recs)
    assert all(int(r.item_id[1:]) < 10 for r in recs[:2])  # u0's taste first
    assert m.similar_items("p0", 3)[0].item_id in {f"p{i}" for i in range(10)}


def test_training_rejects_no_data():
    with pytest.raises(ValueError):
        train(Interactions.from_records([]))


async def test_training_in_a_worker_thread_leaves_the_event_loop_free(ml100k: Interactions):
    """At every progress report the training thread asks the event loop for an answer and
    waits for it: the loop answers while training is under way (how late it answers is a
    speed figure, measured by ``bench/recsys.py``)."""
    loop = asyncio.get_running_loop()
    loop_thread = threading.get_ident()
    answered: list[tuple[str, float]] = []
    training_threads: set[int] = set()

    async def answer(stage: str, done: float) -> int:
        await asyncio.sleep(0)
        answered.append((stage, done))
        return threading.get_ident()

    def report(stage: str, done: float) -> None:
        training_threads.add(threading.get_ident())
        future = asyncio.run_coroutine_threadsafe(answer(stage, done), loop)
        assert future.result(timeout=60) == loop_thread

    model = await asyncio.to_thread(train, ml100k, FAST, num_threads=2, progress=report)
    assert model.n_users > 0
    assert loop_thread not in training_threads
    assert len(answered) >= 3, answered
    assert any(0 < done < 1 for _, done in answered), "answered mid-way through training"


@pytest.mark.parametrize("strength", ["log", "raw"])
def test_other_strength_scalings_train(ml100k: Interactions, strength: str):
    sample = ml100k.subset(np.arange(20_000))
    m = train(sample, HybridParams(factors=8, n_models=1, iterations=3, strength=strength))
    assert len(m.recommend(int(sample.users[0]), 5)) == 5
    with pytest.raises(ValueError):
        train(sample, HybridParams(n_models=1, iterations=1, strength="squared"))  # type: ignore[arg-type]


def test_recalculated_interactions_are_the_newest(model: Recommender):
    model.recalculate_user("r", [(1, 1.0), (2, 1.0)])
    model.recalculate_user("r", [(3, 1.0)])
    state = model._state("r")
    assert state is not None
    row, recency, _ = state
    h = model.params.recency_half_life
    got = dict(zip((model.items.id_of(j) for j in row.indices), recency, strict=True))
    assert got == pytest.approx({1: 0.5 ** (2 / h), 2: 0.5 ** (1 / h), 3: 1.0})


def test_served_answers_match_the_scores_the_evaluation_uses(model: Recommender):
    for user in (3, 300):
        u = model.users.index(user)
        scores = model.score_users(np.array([u]))[0]
        scores[model.user_items[u].indices] = -np.inf
        best = [model.items.id_of(j) for j in np.argsort(-scores, kind="stable")[:10]]
        assert [r.item_id for r in model.recommend(user, 10)] == best
