"""MovieLens-100k from the data directory: RecBole's .inter file is GroupLens' u.data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recsys.datasets import (
    INTER,
    SHA256,
    U_DATA,
    DatasetError,
    DatasetMissing,
    locate,
    movielens_100k,
    sha256_of,
)
from recsys.matrix import Interactions
from tests.support import data_dir


def test_the_inter_file_gives_exactly_the_interactions_of_u_data(
    ml100k: Interactions, tmp_path: Path
) -> None:
    inter = locate(data_dir())
    assert inter.name == INTER
    # u.data is the .inter file without its header line: the same bytes as GroupLens' file.
    u_data = inter.read_bytes().split(b"\n", 1)[1]
    assert sha256_of(u_data) == SHA256[U_DATA]
    (tmp_path / "ml-100k").mkdir()
    (tmp_path / "ml-100k" / U_DATA).write_bytes(u_data)
    original = movielens_100k(tmp_path)
    for field in ("users", "items", "weights", "timestamps"):
        assert np.array_equal(getattr(original, field), getattr(ml100k, field)), field
    assert len(ml100k) == 100_000
    assert len(np.unique(ml100k.users)) == 943 and len(np.unique(ml100k.items)) == 1682
    assert (ml100k.users[0], ml100k.items[0], ml100k.weights[0]) == (196, 242, 3.0)
    assert ml100k.timestamps[0] == 881250949


def test_a_file_can_be_named_directly(tmp_path: Path) -> None:
    inter = locate(data_dir())
    assert locate(inter) == inter
    assert locate(inter.parent) == inter


def test_missing_data_says_where_to_get_it_and_its_checksum(tmp_path: Path) -> None:
    with pytest.raises(DatasetMissing) as info:
        movielens_100k(tmp_path)
    message = str(info.value)
    assert "https://files.grouplens.org/datasets/movielens/ml-100k.zip" in message
    assert SHA256[U_DATA] in message and SHA256[INTER] in message


def test_a_changed_file_is_refused(tmp_path: Path) -> None:
    changed = locate(data_dir()).read_bytes().replace(b"\t3\t", b"\t4\t", 1)
    (tmp_path / INTER).write_bytes(changed)
    with pytest.raises(DatasetError, match="sha256"):
        movielens_100k(tmp_path)
