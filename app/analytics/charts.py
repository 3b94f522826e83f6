"""Charts drawn on the server as SVG (no JavaScript): time series as lines or bars, and
the conversion funnel. Each function returns safe markup to put in a template."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from markupsafe import Markup, escape

from app.analytics.stats import FunnelStep

PALETTE = ("#ff2d6f", "#8fb5ff", "#27c281", "#ffb020", "#c38fff")
WIDTH = 720
HEIGHT = 220
PAD_LEFT = 56
PAD_RIGHT = 12
PAD_TOP = 28
PAD_BOTTOM = 26
Formatter = Callable[[float], str]


def plain(value: float) -> str:
    """``1234`` → ``1.2k``; small numbers as they are."""
    value = float(value)
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 10_000:
        return f"{value / 1000:.0f}k"
    if abs(value) >= 1000:
        return f"{value / 1000:.1f}k"
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def money(cents: float) -> str:
    return plain(cents / 100)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)


def _time_label(at: datetime, hourly: bool) -> str:
    return at.strftime("%d %b %H:00" if hourly else "%H:%M")


def _frame(
    title: str,
    times: Sequence[datetime],
    top: float,
    fmt: Formatter,
    hourly: bool,
    testid: str,
) -> list[str]:
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="chart" role="img" aria-label="{escape(title)}" data-testid="{escape(testid)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{PAD_LEFT}" y="16" class="chart-title">{escape(title)}</text>',
    ]
    for i in range(5):
        y = PAD_TOP + inner_h - inner_h * i / 4
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'class="grid"/>'
        )
        parts.append(
            f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">'
            f"{escape(fmt(top * i / 4))}</text>"
        )
    if times:
        count = len(times)
        for index in sorted({0, count // 2, count - 1}):
            x = PAD_LEFT + (inner_w * (index + 0.5) / count)
            anchor = "start" if index == 0 else ("end" if index == count - 1 else "middle")
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}" class="axis">'
                f"{escape(_time_label(times[index], hourly))}</text>"
            )
    return parts


def _legend(names: Sequence[str]) -> list[str]:
    parts = []
    x = WIDTH - PAD_RIGHT
    for i, name in reversed(list(enumerate(names))):
        x -= 12 + 7 * len(name)
        color = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="8" width="9" height="9" fill="{color}"/>')
        parts.append(f'<text x="{x + 13}" y="16" class="axis">{escape(name)}</text>')
        x -= 10
    return parts


def line_chart(
    title: str,
    times: Sequence[datetime],
    series: dict[str, Sequence[float]],
    fmt: Formatter = plain,
    hourly: bool = False,
    testid: str = "chart",
) -> Markup:
    """One line per series over ``times`` (the same length each)."""
    top = _nice_max(max((max(v, default=0) for v in series.values()), default=0))
    parts = _frame(title, times, top, fmt, hourly, testid)
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    count = max(1, len(times))
    for i, (name, values) in enumerate(series.items()):
        color = PALETTE[i % len(PALETTE)]
        points = " ".join(
            f"{PAD_LEFT + inner_w * (j + 0.5) / count:.1f},"
            f"{PAD_TOP + inner_h - inner_h * float(v) / top:.1f}"
            for j, v in enumerate(values)
        )
        if points:
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2" '
                f'stroke-linejoin="round" data-series="{escape(name)}"/>'
            )
    parts += _legend(list(series))
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    title: str,
    times: Sequence[datetime],
    values: Sequence[float],
    fmt: Formatter = plain,
    hourly: bool = False,
    testid: str = "chart",
    name: str = "",
) -> Markup:
    """One bar per step."""
    top = _nice_max(max(values, default=0))
    parts = _frame(title, times, top, fmt, hourly, testid)
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    count = max(1, len(times))
    slot = inner_w / count
    width = max(1.0, slot * 0.7)
    for j, value in enumerate(values):
        h = inner_h * float(value) / top
        if h <= 0:
            continue
        x = PAD_LEFT + slot * j + (slot - width) / 2
        label = f"{_time_label(times[j], hourly)}: {fmt(value)}"
        parts.append(
            f'<rect x="{x:.1f}" y="{PAD_TOP + inner_h - h:.1f}" width="{width:.1f}" '
            f'height="{h:.1f}" fill="{PALETTE[0]}"><title>{escape(label)}</title></rect>'
        )
    if name:
        parts += _legend([name])
    parts.append("</svg>")
    return Markup("".join(parts))


def funnel_chart(steps: Sequence[FunnelStep], testid: str = "funnel") -> Markup:
    """Horizontal bars, widest first, with counts and step-to-step rates."""
    row = 34
    height = PAD_TOP + row * len(steps) + 8
    label_w = 130
    bar_w = WIDTH - label_w - 150
    top = max((s.count for s in steps), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'class="chart" role="img" aria-label="Conversion funnel" data-testid="{testid}">',
        "<title>Conversion funnel</title>",
        f'<text x="{PAD_LEFT}" y="16" class="chart-title">Conversion funnel</text>',
    ]
    for i, step in enumerate(steps):
        y = PAD_TOP + row * i
        w = bar_w * step.count / top
        x = label_w + (bar_w - w) / 2
        color = PALETTE[i % len(PALETTE)]
        rate = "" if i == 0 else f"{step.rate * 100:.1f}% of previous"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 20}" text-anchor="end" class="axis">'
            f"{escape(step.label)}</text>"
        )
        parts.append(
            f'<rect x="{x:.1f}" y="{y + 4}" width="{max(w, 1):.1f}" height="{row - 8}" '
            f'fill="{color}" rx="3" data-step="{escape(step.key)}" data-count="{step.count}"/>'
        )
        parts.append(
            f'<text x="{label_w + bar_w + 8}" y="{y + 20}" class="axis">'
            f"{step.count:,} {escape(rate)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
