"""Product photos for the demo, drawn at seed time with Pillow: the product's shape in its
colours on a studio backdrop (a soft gradient and a floor line), with a blurred contact
shadow and a highlight, drawn at twice the size and scaled down for smooth edges.

:func:`product_photo` returns PNG bytes for one of :data:`KINDS`; the seed uploads them
through the catalog's image service like any merchant's photo.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFilter

SIZE = 640
SCALE = 2
Color = tuple[int, int, int]
Draw = Callable[[ImageDraw.ImageDraw, int, Color, Color], None]


def _mix(a: Color, b: Color, t: float) -> Color:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _shade(c: Color, k: float) -> Color:
    """Darker (k < 1) or lighter (k > 1) version of ``c``."""
    if k < 1:
        return _mix((0, 0, 0), c, k)
    return _mix(c, (255, 255, 255), min(1.0, k - 1))


def _backdrop(size: int, top: Color, bottom: Color) -> Image.Image:
    """A studio sweep: a vertical gradient with a slightly darker floor and a vignette."""
    column = Image.new("RGB", (1, size))
    for y in range(size):
        t = y / (size - 1)
        floor = max(0.0, (t - 0.62) / 0.38)
        column.putpixel((0, y), _shade(_mix(top, bottom, t), 1 - 0.12 * floor))
    image = column.resize((size, size))
    vignette = _soft_mask(size, (-0.25, -0.2, 1.25, 1.2), 255, 1 / 8)
    dark = Image.new("RGB", (size, size), _shade(bottom, 0.55))
    return Image.composite(image, dark, vignette)


def _soft_mask(
    size: int, box: tuple[float, float, float, float], fill: int, blur: float
) -> Image.Image:
    """A blurred ellipse over ``box`` (fractions of ``size``), drawn small and scaled up
    (blurring the full-size image would take seconds)."""
    small = size // 8
    mask = Image.new("L", (small, small), 0)
    ImageDraw.Draw(mask).ellipse([v * small for v in box], fill=fill)
    mask = mask.filter(ImageFilter.GaussianBlur(max(1.0, small * blur)))
    return mask.resize((size, size), Image.Resampling.BILINEAR)


def _sneaker(d: ImageDraw.ImageDraw, s: int, main: Color, accent: Color) -> None:
    sole = [(0.16, 0.66), (0.86, 0.66), (0.9, 0.62), (0.88, 0.58), (0.18, 0.6), (0.14, 0.63)]
    upper = [
        (0.18, 0.6),
        (0.2, 0.46),
        (0.3, 0.38),
        (0.42, 0.36),
        (0.5, 0.42),
        (0.62, 0.47),
        (0.78, 0.5),
        (0.88, 0.55),
        (0.88, 0.6),
    ]
    d.polygon([(x * s, y * s) for x, y in upper], fill=main)
    d.polygon([(x * s, y * s) for x, y in sole], fill=(245, 245, 240))
    d.line([(0.16 * s, 0.635 * s), (0.88 * s, 0.635 * s)], fill=accent, width=s // 80)
    swoosh = [(0.34, 0.55), (0.55, 0.5), (0.74, 0.52), (0.56, 0.55)]
    d.polygon([(x * s, y * s) for x, y in swoosh], fill=accent)
    for i in range(4):  # laces
        x = (0.33 + i * 0.045) * s
        d.line(
            [(x, 0.4 * s + i * 0.012 * s), (x + 0.05 * s, 0.44 * s + i * 0.012 * s)],
            fill=(250, 250, 250),
            width=s // 120,
        )
    d.ellipse((0.2 * s, 0.45 * s, 0.26 * s, 0.5 * s), fill=_shade(main, 0.7))


def _tote(d: ImageDraw.ImageDraw, s: int, main: Color, accent: Color) -> None:
    d.arc((0.34 * s, 0.16 * s, 0.66 * s, 0.5 * s), 180, 360, fill=_shade(main, 0.6), width=s // 40)
    d.polygon(
        [(0.26 * s, 0.34 * s), (0.74 * s, 0.34 * s), (0.78 * s, 0.72 * s), (0.22 * s, 0.72 * s)],
        fill=main,
    )
    d.polygon(
        [(0.26 * s, 0.34 * s), (0.74 * s, 0.34 * s), (0.75 * s, 0.4 * s), (0.25 * s, 0.4 * s)],
        fill=_shade(main, 0.85),
    )
    d.rounded_rectangle((0.38 * s, 0.48 * s, 0.62 * s, 0.62 * s), radius=s // 60, fill=accent)


def _socks(d: ImageDraw.ImageDraw, s: int, main: Color, accent: Color) -> None:
    for i, dx in enumerate((-0.12, 0.02, 0.16)):
        colour = _shade(main, 1 + 0.15 * i) if i else main
        ox = dx * s
        d.rounded_rectangle(
            (0.3 * s + ox, 0.22 * s, 0.44 * s + ox, 0.58 * s), radius=s // 30, fill=colour
        )
        d.rounded_rectangle(
            (0.3 * s + ox, 0.5 * s, 0.58 * s + ox, 0.66 * s), radius=s // 14, fill=colour
        )
        d.rectangle((0.3 * s + ox, 0.22 * s, 0.44 * s + ox, 0.28 * s), fill=accent)
        d.ellipse((0.5 * s + ox, 0.56 * s, 0.58 * s + ox, 0.66 * s), fill=_shade(colour, 0.8))


def _headphones(d: ImageDraw.ImageDraw, s: int, main: Color, accent: Color) -> None:
    d.arc((0.24 * s, 0.16 * s, 0.76 * s, 0.7 * s), 180, 360, fill=main, width=s // 22)
    for x in (0.2, 0.66):
        d.rounded_rectangle((x * s, 0.4 * s, (x + 0.14) * s, 0.66 * s), radius=s // 18, fill=main)
        d.rounded_rectangle(
            ((x + 0.03) * s, 0.43 * s, (x + 0.11) * s, 0.63 * s), radius=s // 24, fill=accent
        )


def _bottle(d: ImageDraw.ImageDraw, s: int, main: Color, accent: Color) -> None:
    d.rounded_rectangle((0.37 * s, 0.3 * s, 0.63 * s, 0.72 * s), radius=s // 16, fill=main)
    d.rectangle((0.44 * s, 0.2 * s, 0.56 * s, 0.31 * s), fill=_shade(accent, 0.8))
    d.rounded_rectangle((0.42 * s, 0.14 * s, 0.58 * s, 0.22 * s), radius=s // 80, fill=accent)
    d.rectangle((0.37 * s, 0.45 * s, 0.63 * s, 0.58 * s), fill=(250, 247, 240))
    d.line([(0.42 * s, 0.5 * s), (0.58 * s, 0.5 * s)], fill=accent, width=s // 100)
    d.line([(0.44 * s, 0.54 * s), (0.56 * s, 0.54 * s)], fill=_shade(accent, 1.3), width=s // 160)


def _mug(d: ImageDraw.ImageDraw, s: int, main: Color, accent: Color) -> None:
    d.ellipse((0.58 * s, 0.38 * s, 0.78 * s, 0.6 * s), outline=main, width=s // 28)
    d.rounded_rectangle((0.26 * s, 0.3 * s, 0.64 * s, 0.7 * s), radius=s // 30, fill=main)
    d.ellipse((0.26 * s, 0.27 * s, 0.64 * s, 0.34 * s), fill=_shade(main, 0.7))
    d.ellipse((0.28 * s, 0.28 * s, 0.62 * s, 0.33 * s), fill=(92, 58, 38))
    d.rectangle((0.26 * s, 0.46 * s, 0.64 * s, 0.5 * s), fill=accent)


def _watch(d: ImageDraw.ImageDraw, s: int, main: Color, accent: Color) -> None:
    d.rounded_rectangle((0.42 * s, 0.12 * s, 0.58 * s, 0.78 * s), radius=s // 40, fill=main)
    d.rounded_rectangle((0.33 * s, 0.3 * s, 0.67 * s, 0.6 * s), radius=s // 14, fill=(35, 35, 40))
    d.rounded_rectangle(
        (0.355 * s, 0.325 * s, 0.645 * s, 0.575 * s), radius=s // 18, fill=(12, 14, 22)
    )
    cx, cy, r = 0.5 * s, 0.45 * s, 0.09 * s
    d.arc((cx - r, cy - r, cx + r, cy + r), -90, 150, fill=accent, width=s // 70)
    d.line(
        [(cx, cy), (cx + r * 0.6 * math.cos(0.6), cy - r * 0.6 * math.sin(0.6))],
        fill=(240, 240, 240),
        width=s // 150,
    )


def _vase(d: ImageDraw.ImageDraw, s: int, main: Color, accent: Color) -> None:
    d.ellipse((0.3 * s, 0.34 * s, 0.7 * s, 0.74 * s), fill=main)
    d.rectangle((0.43 * s, 0.2 * s, 0.57 * s, 0.42 * s), fill=main)
    d.ellipse((0.41 * s, 0.17 * s, 0.59 * s, 0.23 * s), fill=_shade(main, 0.7))
    d.arc((0.33 * s, 0.42 * s, 0.67 * s, 0.66 * s), 20, 160, fill=accent, width=s // 70)
    for i, x in enumerate((0.46, 0.5, 0.54)):  # stems and blooms
        top = (0.06 + 0.03 * i) * s
        d.line(
            [(x * s, 0.2 * s), ((x - 0.04 + 0.04 * i) * s, top)], fill=(70, 120, 70), width=s // 140
        )
        bx = (x - 0.04 + 0.04 * i) * s
        d.ellipse(
            (bx - 0.025 * s, top - 0.025 * s, bx + 0.025 * s, top + 0.025 * s),
            fill=_shade(accent, 1.2),
        )


KINDS: dict[str, Draw] = {
    "sneaker": _sneaker,
    "tote": _tote,
    "socks": _socks,
    "headphones": _headphones,
    "bottle": _bottle,
    "mug": _mug,
    "watch": _watch,
    "vase": _vase,
}


def product_photo(
    kind: str,
    main: Color,
    accent: Color,
    backdrop: tuple[Color, Color] = ((246, 238, 228), (214, 196, 178)),
    angle: float = 0.0,
) -> bytes:
    """A PNG photo of a ``kind`` product in ``main`` / ``accent`` colours on ``backdrop``
    (top, bottom), turned by ``angle`` degrees (a second shot of the same product)."""
    draw = KINDS[kind]
    big = SIZE * SCALE
    image = _backdrop(big, *backdrop)
    shadow = _soft_mask(big, (0.18, 0.66, 0.86, 0.78), 150, 1 / 60)
    image.paste(_shade(backdrop[1], 0.45), (0, 0), shadow)
    layer = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw(ImageDraw.Draw(layer), big, main, accent)
    # A soft highlight from the upper left, only where the product is.
    light = _soft_mask(big, (0.1, 0.05, 0.55, 0.5), 70, 1 / 12)
    alpha = layer.getchannel("A")
    white = Image.new("RGBA", (big, big), (255, 255, 255, 0))
    white.putalpha(Image.composite(light, Image.new("L", (big, big), 0), alpha))
    layer = Image.alpha_composite(layer, white)
    if angle:
        layer = layer.rotate(angle, resample=Image.Resampling.BICUBIC, center=(big / 2, big * 0.6))
    image.paste(layer, (0, 0), layer)
    out = io.BytesIO()
    image.resize((SIZE, SIZE), Image.Resampling.LANCZOS).save(out, format="PNG")
    return out.getvalue()
