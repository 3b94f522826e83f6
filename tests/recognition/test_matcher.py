"""The recognition matcher on a small version of the bench's generated frames."""

from __future__ import annotations

import numpy as np
import pytest

from bench.recognition import catalog_titles, product_image, run_set
from media.recognition import (
    Matcher,
    RecognitionError,
    decode_features,
    encode_features,
    product_features,
)


def test_generated_frames_meet_the_accuracy_goals() -> None:
    outcome = run_set(catalog_size=40, shown=40, positives=40, negatives=30, seed=3)
    assert outcome.accuracy >= 0.9, outcome
    assert outcome.false_positive_rate <= 0.02, outcome
    assert outcome.wrong == 0, outcome


def test_features_survive_their_compact_encoding() -> None:
    title, sku = catalog_titles(1)[0]
    image = product_image(0, title, sku)
    features = product_features(image)
    blob = encode_features(features)
    assert len(blob) < len(features) * 150
    decoded = decode_features(blob)
    assert decoded.descriptors.tobytes() == features.descriptors.tobytes()
    assert np.allclose(decoded.points, features.points, atol=0.5)
    assert Matcher({"tote": decoded}).match(image) is not None


def test_bad_inputs_get_a_typed_error() -> None:
    with pytest.raises(RecognitionError):
        decode_features(b"not a blob")
    with pytest.raises(RecognitionError):
        product_features(np.full((200, 200, 3), 128, np.uint8))


def test_an_empty_catalog_recognises_nothing() -> None:
    assert Matcher({}).match(np.zeros((180, 320, 3), np.uint8)) is None
