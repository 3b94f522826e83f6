"""Product recognition in video frames: local features (SIFT) + RANSAC homography, pure.

No database and no ``app`` imports: the core service computes :func:`product_features` for a
product image at upload and keeps :func:`encode_features` bytes; the media worker builds a
:class:`Matcher` over a room's catalog and calls :meth:`Matcher.match` on sampled frames.

* Features: up to ``PRODUCT_FEATURES`` SIFT keypoints of the image scaled to at most
  ``PRODUCT_SIDE`` pixels; descriptors are stored as ``uint8`` (SIFT saturates to 0..255),
  so a product costs about 300 × (128 + 8) bytes.
* Matching: one FLANN kd-tree over every catalog descriptor; each frame descriptor's two
  nearest neighbours pass Lowe's ratio test and vote for their product; the few products with
  the most votes are verified by a RANSAC homography, and the one with the most inliers wins
  when it has at least ``min_inliers`` and clearly beats the runner-up, and its warped outline
  is a plausible (convex, not degenerate) quadrilateral.

OpenCV runs single-threaded here (``cv2.setNumThreads(1)``): the worker gives recognition
one core at most.
"""

from __future__ import annotations

import io
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import cv2
import numpy as np

PRODUCT_SIDE = 400
PRODUCT_FEATURES = 300
FRAME_WIDTH = 640
FRAME_FEATURES = 800
RATIO = 0.8
CANDIDATES = 3

cv2.setNumThreads(1)


class RecognitionError(ValueError):
    """An image or a features blob that cannot be used."""


@dataclass(frozen=True)
class ProductFeatures:
    """Keypoint positions (N×2 float32, in the scaled image) and SIFT descriptors (N×128)."""

    points: np.ndarray
    descriptors: np.ndarray
    width: int
    height: int

    def __len__(self) -> int:
        return len(self.points)


@dataclass(frozen=True)
class Recognition:
    """A confident match: the product key, RANSAC inliers, and the runner-up's inliers."""

    key: Hashable
    inliers: int
    runner_up: int

    @property
    def confidence(self) -> float:
        return round(1.0 - (self.runner_up + 1) / (self.inliers + 1), 3)


def _sift(nfeatures: int) -> cv2.SIFT:
    return cv2.SIFT.create(nfeatures=nfeatures)


def decode_image(data: bytes) -> np.ndarray:
    """Decode encoded image bytes (JPEG, PNG, WebP) to a BGR array."""
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise RecognitionError("not a decodable image")
    return image


def _gray(image: np.ndarray, max_side: int | None = None, width: int | None = None) -> np.ndarray:
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    scale = 1.0
    if max_side is not None and max(h, w) > max_side:
        scale = max_side / max(h, w)
    if width is not None and w != width:
        scale = width / w
    if scale != 1.0:
        interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
        gray = cv2.resize(gray, (round(w * scale), round(h * scale)), interpolation=interp)
    return gray


def product_features(image: np.ndarray) -> ProductFeatures:
    """Features of one product image (BGR or gray array)."""
    gray = _gray(image, max_side=PRODUCT_SIDE)
    keypoints, descriptors = _sift(PRODUCT_FEATURES).detectAndCompute(gray, None)
    if descriptors is None or len(keypoints) < 8:
        raise RecognitionError("the image has too little texture to be recognised")
    points = np.array([k.pt for k in keypoints], np.float32)
    desc = np.clip(np.rint(descriptors), 0, 255).astype(np.uint8)
    return ProductFeatures(points, desc, gray.shape[1], gray.shape[0])


def encode_features(features: ProductFeatures) -> bytes:
    """Compact bytes of ``features`` (an uncompressed ``.npz``: descriptors do not deflate)."""
    out = io.BytesIO()
    np.savez(
        out,
        points=features.points.astype(np.float16),
        descriptors=features.descriptors,
        size=np.array([features.width, features.height], np.int32),
    )
    return out.getvalue()


def decode_features(data: bytes) -> ProductFeatures:
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as blob:
            points = blob["points"].astype(np.float32)
            descriptors = blob["descriptors"].astype(np.uint8)
            width, height = (int(v) for v in blob["size"])
    except (OSError, KeyError, ValueError) as exc:
        raise RecognitionError(f"not a features blob: {exc}") from exc
    if points.shape != (len(descriptors), 2) or descriptors.shape[1:] != (128,):
        raise RecognitionError("features blob has inconsistent shapes")
    return ProductFeatures(points, descriptors, width, height)


def _plausible(homography: np.ndarray, width: int, height: int) -> bool:
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    quad = cv2.perspectiveTransform(corners.reshape(-1, 1, 2), homography).reshape(-1, 2)
    if not cv2.isContourConvex(quad.astype(np.float32)):
        return False
    return bool(np.isfinite(quad).all()) and abs(cv2.contourArea(quad)) > 400


class Matcher:
    """Recognises which of a catalog's products (``key -> features``) a frame shows."""

    def __init__(
        self,
        catalog: Mapping[Hashable, ProductFeatures],
        *,
        min_inliers: int = 9,
        margin: float = 2.0,
    ) -> None:
        self.keys = list(catalog)
        self.features = [catalog[k] for k in self.keys]
        self.min_inliers = min_inliers
        self.margin = margin
        self._sift = _sift(FRAME_FEATURES)
        self._flann: cv2.FlannBasedMatcher | None = None
        if self.features:
            descriptors = np.vstack([f.descriptors for f in self.features]).astype(np.float32)
            self._owner = np.concatenate(
                [np.full(len(f), i, np.int32) for i, f in enumerate(self.features)]
            )
            self._offset = np.concatenate(
                [[0], np.cumsum([len(f) for f in self.features])[:-1]]
            ).astype(np.int64)
            self._flann = cv2.FlannBasedMatcher({"algorithm": 1, "trees": 4}, {"checks": 32})
            self._flann.add([descriptors])
            self._flann.train()

    def __len__(self) -> int:
        return len(self.keys)

    def match(self, frame: np.ndarray) -> Recognition | None:
        """The product ``frame`` (BGR or gray) shows, or ``None`` when none is confident."""
        if self._flann is None:
            return None
        gray = _gray(frame, width=FRAME_WIDTH) if frame.shape[1] > FRAME_WIDTH else _gray(frame)
        keypoints, descriptors = self._sift.detectAndCompute(gray, None)
        if descriptors is None or len(keypoints) < 8:
            return None
        pairs = self._flann.knnMatch(descriptors.astype(np.float32), k=2)
        votes: dict[int, list[tuple[int, int]]] = {}
        for pair in pairs:
            if len(pair) < 2:
                continue
            best, second = pair
            if best.distance < RATIO * second.distance:
                owner = int(self._owner[best.trainIdx])
                local = best.trainIdx - int(self._offset[owner])
                votes.setdefault(owner, []).append((best.queryIdx, local))
        ranked = sorted(votes.items(), key=lambda kv: len(kv[1]), reverse=True)[:CANDIDATES]
        frame_points = np.array([k.pt for k in keypoints], np.float32)
        scored: list[tuple[int, int]] = []
        for owner, matches in ranked:
            if len(matches) < max(6, self.min_inliers // 2):
                scored.append((0, owner))
                continue
            feats = self.features[owner]
            src = feats.points[[m[1] for m in matches]].reshape(-1, 1, 2)
            dst = frame_points[[m[0] for m in matches]].reshape(-1, 1, 2)
            homography, mask = cv2.findHomography(src, dst, cv2.RANSAC, 5.0)
            if homography is None or not _plausible(homography, feats.width, feats.height):
                scored.append((0, owner))
                continue
            scored.append((int(mask.sum()), owner))
        scored.sort(reverse=True)
        if not scored or scored[0][0] < self.min_inliers:
            return None
        inliers, owner = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0
        if inliers < self.margin * runner_up:
            return None
        return Recognition(self.keys[owner], inliers, runner_up)
