"""A temperature chart drawn on the server: the geometry of an inline SVG (no JavaScript, no CDN).

:func:`temperature_chart` turns readings and limits into coordinates; the template
``coldchain/_chart.html`` draws them with SVG presentation attributes only (the pages' Content
Security Policy allows no inline styles). The allowed band is shaded, each limit is a dashed line
with its value, readings are a line, and excursions are red dots with their time and value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 30
_STEPS = (0.5, 1, 2, 5, 10, 20, 50)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Line:
    y: float
    label: str


@dataclass
class Chart:
    """Everything the template draws, in SVG user units."""

    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_x: int = WIDTH - RIGHT
    top: int = TOP
    bottom_y: int = HEIGHT - BOTTOM
    points: str = ""
    excursions: list[Point] = field(default_factory=list)
    dots: list[Point] = field(default_factory=list)  # every reading when there are few of them
    limits: list[Line] = field(default_factory=list)
    ticks: list[Line] = field(default_factory=list)
    band_y: float | None = None
    band_height: float | None = None
    start_label: str = ""
    end_label: str = ""
    count: int = 0

    @property
    def plot_width(self) -> int:
        return self.right_x - self.left


def _fmt(value: float) -> str:
    return f"{value:g}"


def _step(span: float) -> float:
    for step in _STEPS:
        if span / step <= 6:
            return step
    return _STEPS[-1]


def temperature_chart(readings: Sequence[tuple[datetime, Decimal, bool]], low: Decimal | None, high: Decimal | None) -> Chart | None:
    """The chart of ``(time, °C, excursion)`` readings with the lower and upper limits; None without readings."""
    if not readings:
        return None
    chart = Chart(count=len(readings))
    values = [float(v) for _t, v, _e in readings]
    bounds = values + [float(x) for x in (low, high) if x is not None]
    y_min, y_max = min(bounds) - 1, max(bounds) + 1
    step = _step(y_max - y_min)
    y_min = step * (y_min // step)
    y_max = step * -(-y_max // step)
    times = [t.timestamp() for t, _v, _e in readings]
    t0, t1 = min(times), max(times)
    plot_w, plot_h = chart.right_x - chart.left, chart.bottom_y - chart.top

    def x_of(ts: float) -> float:
        return round(chart.left + (plot_w / 2 if t1 == t0 else (ts - t0) / (t1 - t0) * plot_w), 1)

    def y_of(v: float) -> float:
        return round(chart.top + (y_max - v) / (y_max - y_min) * plot_h, 1)

    chart.points = " ".join(f"{x_of(ts)},{y_of(v)}" for ts, v in zip(times, values, strict=True))
    for (when, value, excursion), ts in zip(readings, times, strict=True):
        label = f"{when.astimezone(CHINA):%Y-%m-%d %H:%M} {_fmt(float(value))} °C"
        point = Point(x_of(ts), y_of(float(value)), label)
        if excursion:
            chart.excursions.append(point)
        elif len(readings) <= 60:
            chart.dots.append(point)
    tick = y_min
    while tick <= y_max + 1e-9:
        chart.ticks.append(Line(y_of(tick), _fmt(tick)))
        tick += step
    for limit in (low, high):
        if limit is not None:
            chart.limits.append(Line(y_of(float(limit)), f"{_fmt(float(limit))} °C"))
    top_y = y_of(float(high)) if high is not None else float(chart.top)
    bottom_y = y_of(float(low)) if low is not None else float(chart.bottom_y)
    chart.band_y, chart.band_height = top_y, round(max(bottom_y - top_y, 0), 1)
    first, last = min(t for t, _v, _e in readings), max(t for t, _v, _e in readings)
    chart.start_label = f"{first.astimezone(CHINA):%m-%d %H:%M}"
    chart.end_label = f"{last.astimezone(CHINA):%m-%d %H:%M}"
    return chart
