"""Product recognition on generated frames: accuracy, false positives and time per frame.

The test set: product images drawn procedurally like packaging (textured label, brand, title,
SKU, bars) for the demo catalog's titles and generated ones, up to 200 catalog items;
real video frames from FFmpeg (the ``testsrc2`` test pattern and the ``mandelbrot`` rendered
scene) with a product composited in by a perspective warp at 15-40% of the frame, then blur,
a brightness change and a partial occlusion; plus frames with no product (some with a
distractor label that is not in the catalog). The matcher (``media.recognition``) runs on one
core.

    python -m bench recognition       # writes bench/results/recognition.json
"""

from __future__ import annotations

import json
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from media.config import default_ffmpeg
from media.recognition import Matcher, product_features

RESULTS = Path(__file__).parent / "results"
FRAME_SIZE = (640, 360)
DEMO_TITLES = [
    ("Cloudrunner sneakers", "CLOUD-42"),
    ("Canvas tote", "TOTE-NAT"),
    ("Merino socks (3 pairs)", "SOCK-3P"),
]
_BRANDS = ["NORDA", "Kumo", "Fieldline", "Oaken", "BRISA", "Lumen", "Tallow", "Marlo", "Vessa"]
_NOUNS = ["tea", "soap", "serum", "coffee", "candle", "granola", "shampoo", "cocoa", "honey"]
_FONTS = [cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_TRIPLEX]


def catalog_titles(n: int) -> list[tuple[str, str]]:
    """``n`` (title, sku) pairs: the demo catalog first, then generated ones."""
    out = list(DEMO_TITLES[:n])
    i = 0
    while len(out) < n:
        brand, noun = _BRANDS[i % len(_BRANDS)], _NOUNS[(i // len(_BRANDS)) % len(_NOUNS)]
        out.append((f"{brand} {noun} no.{i}", f"{brand[:3].upper()}-{i:04d}"))
        i += 1
    return out


def product_image(seed: int, title: str, sku: str) -> np.ndarray:
    """A packaging-like label (BGR, 300×400): texture, shapes, brand, title, SKU, bars."""
    rng = np.random.default_rng(seed)
    h, w = 400, 300
    base = rng.integers(40, 220, 3)
    img = np.empty((h, w, 3), np.uint8)
    img[:] = base
    noise = rng.normal(0, 18, (h // 8, w // 8, 3))
    img = np.clip(img + cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC), 0, 255)
    img = img.astype(np.uint8)
    for _ in range(rng.integers(6, 12)):
        color = tuple(int(c) for c in rng.integers(0, 256, 3))
        kind = rng.integers(0, 3)
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        if kind == 0:
            cv2.circle(img, (x, y), int(rng.integers(10, 60)), color, int(rng.choice([-1, 3])))
        elif kind == 1:
            x2, y2 = x + int(rng.integers(20, 120)), y + int(rng.integers(10, 80))
            cv2.rectangle(img, (x, y), (x2, y2), color, int(rng.choice([-1, 4])))
        else:
            pts = rng.integers(0, [w, h], (int(rng.integers(3, 6)), 2)).astype(np.int32)
            cv2.fillPoly(img, [pts], color)
    ink = (255, 255, 255) if base.mean() < 128 else (20, 20, 20)
    font = _FONTS[seed % len(_FONTS)]
    brand, _, rest = title.partition(" ")
    cv2.rectangle(img, (10, 10), (w - 10, 70), tuple(int(255 - c) for c in base), -1)
    cv2.putText(img, brand[:12], (20, 55), font, 1.3, ink, 3, cv2.LINE_AA)
    for line, chunk in enumerate([rest[i : i + 14] for i in range(0, len(rest), 14)][:3]):
        cv2.putText(img, chunk, (16, 200 + 38 * line), font, 0.95, ink, 2, cv2.LINE_AA)
    cv2.putText(img, sku, (16, 330), cv2.FONT_HERSHEY_PLAIN, 1.6, ink, 2, cv2.LINE_AA)
    bars = rng.integers(1, 5, 40)
    x = 16
    for i, bw in enumerate(bars):
        if i % 2 == 0:
            cv2.rectangle(img, (x, 345), (x + int(bw) - 1, 388), (0, 0, 0), -1)
        x += int(bw)
        if x > w - 20:
            break
    return img


def video_frames(source: str, count: int) -> list[np.ndarray]:
    """``count`` BGR frames of an FFmpeg lavfi source (``testsrc2``, ``mandelbrot``)."""
    w, h = FRAME_SIZE
    cmd = [
        default_ffmpeg(), "-v", "error", "-f", "lavfi",
        "-i", f"{source}=size={w}x{h}:rate=5", "-frames:v", str(count),
        "-f", "rawvideo", "-pix_fmt", "bgr24", "-",
    ]  # fmt: skip
    raw = subprocess.run(cmd, check=True, capture_output=True, timeout=120).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3)
    return [f.copy() for f in frames]


def composite(frame: np.ndarray, product: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``product`` warped into ``frame`` at 15-40% of its area, blurred, lit, occluded."""
    fh, fw = frame.shape[:2]
    ph, pw = product.shape[:2]
    area = rng.uniform(0.15, 0.40) * fw * fh
    scale = (area / (pw * ph)) ** 0.5
    tw, th = pw * scale, ph * scale
    x0 = rng.uniform(0, max(1.0, fw - tw))
    y0 = rng.uniform(0, max(1.0, fh - th))
    jitter = 0.12
    dst = np.array(
        [[x0, y0], [x0 + tw, y0], [x0 + tw, y0 + th], [x0, y0 + th]], np.float32
    ) + rng.uniform(-jitter, jitter, (4, 2)).astype(np.float32) * np.array([tw, th], np.float32)
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    lit = np.clip(product.astype(np.float32) * rng.uniform(0.65, 1.35), 0, 255).astype(np.uint8)
    warped = cv2.warpPerspective(lit, matrix, (fw, fh))
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), matrix, (fw, fh))
    out = frame.copy()
    out[mask > 0] = warped[mask > 0]
    # partial occlusion: a hand-like blob over 10-25% of the product
    ox = int(x0 + rng.uniform(0, 0.6) * tw)
    oy = int(y0 + rng.uniform(0, 0.6) * th)
    ow = int(tw * rng.uniform(0.3, 0.5))
    oh = int(th * rng.uniform(0.3, 0.5))
    cv2.ellipse(
        out, (ox + ow // 2, oy + oh // 2), (ow // 2, oh // 2), float(rng.uniform(0, 180)), 0, 360,
        tuple(int(c) for c in rng.integers(90, 200, 3)), -1,
    )  # fmt: skip
    sigma = rng.uniform(0.3, 1.5)
    out = cv2.GaussianBlur(out, (0, 0), sigma)
    noise = rng.normal(0, 4, out.shape)
    return np.clip(out + noise, 0, 255).astype(np.uint8)


@dataclass
class Outcome:
    positives: int
    correct: int
    wrong: int
    missed: int
    negatives: int
    false_positives: int
    times_ms: list[float]
    cpu_ms: list[float]

    @property
    def accuracy(self) -> float:
        return self.correct / self.positives if self.positives else 0.0

    @property
    def false_positive_rate(self) -> float:
        return self.false_positives / self.negatives if self.negatives else 0.0

    @property
    def p95_ms(self) -> float:
        return _p95(self.times_ms)

    @property
    def p95_cpu_ms(self) -> float:
        return _p95(self.cpu_ms)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0.0


def run_set(
    *, catalog_size: int, shown: int, positives: int, negatives: int, seed: int = 7
) -> Outcome:
    """Build a catalog of ``catalog_size`` products, show the first ``shown`` in frames."""
    rng = np.random.default_rng(seed)
    titles = catalog_titles(catalog_size)
    images = [product_image(i, t, s) for i, (t, s) in enumerate(titles)]
    matcher = Matcher({i: product_features(img) for i, img in enumerate(images)})
    per_source = (positives + negatives) // 2 + 1
    backgrounds = video_frames("testsrc2", per_source) + video_frames("mandelbrot", per_source)
    distractors = [product_image(10_000 + i, f"Other item {i}", f"X-{i}") for i in range(negatives)]
    outcome = Outcome(positives, 0, 0, 0, negatives, 0, [], [])
    for n in range(positives + negatives):
        frame = backgrounds[n % len(backgrounds)]
        truth: int | None = None
        if n < positives:
            truth = int(rng.integers(0, shown))
            frame = composite(frame, images[truth], rng)
        elif n % 2:
            frame = composite(frame, distractors[n - positives], rng)
        started, cpu = time.perf_counter(), time.thread_time()
        result = matcher.match(frame)
        outcome.times_ms.append((time.perf_counter() - started) * 1000)
        outcome.cpu_ms.append((time.thread_time() - cpu) * 1000)
        if truth is None:
            outcome.false_positives += result is not None
        elif result is None:
            outcome.missed += 1
        elif result.key == truth:
            outcome.correct += 1
        else:
            outcome.wrong += 1
    return outcome


def main() -> dict[str, Any]:
    started = time.perf_counter()
    out = run_set(catalog_size=200, shown=60, positives=300, negatives=200)
    result: dict[str, Any] = {
        "catalog_items": 200,
        "products_shown": 60,
        "frame_size": list(FRAME_SIZE),
        "positives": out.positives,
        "correct": out.correct,
        "wrong_product": out.wrong,
        "missed": out.missed,
        "top1_accuracy": round(out.accuracy, 4),
        "negatives": out.negatives,
        "false_positives": out.false_positives,
        "false_positive_rate": round(out.false_positive_rate, 4),
        "p50_ms": round(statistics.median(out.times_ms), 1),
        "p95_ms": round(out.p95_ms, 1),
        "cpu_p50_ms": round(statistics.median(out.cpu_ms), 1),
        "cpu_p95_ms": round(out.p95_cpu_ms, 1),
        "threads": 1,
        "goal": "top-1 >= 90%, false positives <= 2%, p95 < 300 ms",
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(
        f"recognition: {out.positives} frames with a product (60 of 200 catalog items), "
        f"{out.negatives} without\n"
        f"  positives: {out.correct} right, {out.wrong} wrong product, {out.missed} missed "
        f"-> top-1 {out.accuracy:.1%}\n"
        f"  negatives: {out.false_positives} false positives -> {out.false_positive_rate:.1%}\n"
        f"  per frame (one thread): wall p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms; "
        f"CPU p50 {result['cpu_p50_ms']} ms, p95 {result['cpu_p95_ms']} ms"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "recognition.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
