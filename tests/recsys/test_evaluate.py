import numpy as np
import scipy.sparse as sp

from recsys.evaluate import format_table, run_eval
from recsys.matrix import Interactions
from recsys.metrics import evaluate
from recsys.model import HybridParams
from recsys.tuning import SMALL_GRID


def test_metrics_on_a_hand_made_case():
    train = sp.csr_matrix(np.array([[1, 0, 0, 0], [0, 0, 0, 0]], dtype=np.float32))
    test = sp.csr_matrix(np.array([[0, 0, 1, 0], [0, 1, 0, 1]], dtype=np.float32))
    # user 0: item 0 is filtered (seen), item 2 comes 2nd -> NDCG 1/log2(3)
    # user 1: items 1 and 3 at ranks 2 and 3 -> (1/log2(3) + 1/2) / (1 + 1/log2(3))
    scores = np.array([[9, 5, 4, 1], [3, 2, 0, 1]], dtype=np.float64)
    result = evaluate(lambda rows: scores[rows], train, test, k=3)
    expected = (1 / np.log2(3) + (1 / np.log2(3) + 0.5) / (1 + 1 / np.log2(3))) / 2
    assert result.users == 2 and result.hr == 1.0
    assert np.isclose(result.ndcg, expected)


def test_items_unseen_in_train_count_as_misses():
    train = sp.csr_matrix(np.ones((1, 2), dtype=np.float32))
    test = sp.csr_matrix(np.array([[0, 0, 1]], dtype=np.float32))  # a third, unknown item
    result = evaluate(lambda rows: np.zeros((len(rows), 2)), train, test, k=10)
    assert result.users == 1 and result.hr == 0.0 and result.ndcg == 0.0


def test_served_model_beats_popularity_on_a_sample_of_users(ml100k: Interactions):
    rows = run_eval(
        ml100k,
        sample_users=200,
        seed=0,
        num_threads=2,
        grid=SMALL_GRID,
        base=HybridParams(n_models=2, iterations=10),
    )
    assert len(rows) == 8
    by = {(r.split, r.model.split(" ")[0]): r for r in rows}
    for split in ("leave-last-out", "random 80/20"):
        served, popular = by[(split, "served")], by[(split, "popularity")]
        assert served.users == popular.users == 200
        assert served.ndcg > popular.ndcg
        assert served.hr >= popular.hr
    table = format_table(rows)
    assert "| split | model | HR@10 | NDCG@10 |" in table and "served hybrid" in table
