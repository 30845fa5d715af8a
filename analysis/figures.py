"""The report's charts as images (matplotlib's Agg canvas: no browser, no pyplot state, safe in a web
worker). Each builder takes data and returns a `Figure`; `chart_png` renders one to bytes. Axes use the
Vietnamese decimal comma (12,5), and axes that count units tick whole numbers only."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from decimal import Decimal

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from . import texts
from .index import IndexResult
from .index_summary import AreaStat, TypeSummary
from .vntext import format_number, format_trimmed

FONT = "DejaVu Sans"  # ships with matplotlib and has every Vietnamese letter
WIDTH_IN = 6.3  # 16 cm: the text width of an A4 portrait page with 3 cm and 1,5 cm margins
# Band colours that stay apart when printed in grey (dark to light).
BAND_COLOURS = ("#1b5e20", "#1f5fa8", "#d08c00", "#b3261e", "#6a1b9a", "#555555")
UP, DOWN, NEUTRAL = "#1f5fa8", "#b3261e", "#8c8c8c"
_LEGEND = {"family": FONT, "size": 8}


def chart_png(figure: Figure, dpi: int = 200) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _figure(bars: int, lines: int = 1, extra: float = 0.0) -> Figure:
    """A figure as wide as the text, tall enough for `bars` bars whose labels take `lines` lines."""
    return Figure(figsize=(WIDTH_IN, max(2.4, 0.9 + extra + (0.17 + 0.1 * lines) * bars)), layout="constrained")


def _decimal_axis(axis, signed: bool = False) -> None:
    def label(value: float, _pos: int) -> str:
        text = format_trimmed(Decimal(str(float(value))))
        return "+" + text if signed and value > 0 else text

    axis.set_major_formatter(FuncFormatter(label))


def _band_colour(result: IndexResult, band: str | None) -> str:
    codes = [b.code for b in result.rules.bands]
    return BAND_COLOURS[codes.index(band) % len(BAND_COLOURS)] if band in codes else NEUTRAL


def _style(ax) -> None:
    """Our font on every text of the axes (set per artist, so matplotlib's global settings stay untouched)."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelfontfamily=FONT)
    for text in (ax.xaxis.label, ax.yaxis.label, *ax.texts):  # ax.texts holds the bar labels
        text.set_fontfamily(FONT)


def ranking_chart(result: IndexResult, unit_type: str) -> Figure:
    """Totals as horizontal bars, highest at the top, every unit by its full name, coloured by band."""
    units = sorted(result.of_type(unit_type), key=lambda u: (u.total, u.name))
    info = result.type_info(unit_type)
    fig = _figure(len(units))
    ax = fig.add_subplot()
    colours = [_band_colour(result, u.band) for u in units]
    bars = ax.barh([u.name for u in units], [float(u.total) for u in units], color=colours, height=0.7)
    ax.bar_label(bars, labels=[format_number(u.total) for u in units], padding=2, fontsize=8)
    ax.set_xlim(0, float(info.total_points) * 1.08)
    ax.set_xlabel(texts.AXIS_POINTS)
    _decimal_axis(ax.xaxis)
    bands = [b for b in result.rules.bands if any(u.band == b.code for u in units)]
    if bands:
        handles = [Patch(color=_band_colour(result, b.code), label=b.name) for b in bands]
        if any(u.band is None for u in units):
            handles.append(Patch(color=NEUTRAL, label=texts.NO_BAND))
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 3), frameon=False, prop=_LEGEND)
    _style(ax)
    return fig


def change_chart(result: IndexResult, unit_type: str) -> Figure | None:
    """Points gained or lost against last year, per unit, sorted; None when no unit can be compared."""
    units = [u for u in result.of_type(unit_type) if u.last and u.last.points_change is not None]
    if not units:
        return None
    units.sort(key=lambda u: (u.last.points_change, u.name))
    changes = [float(u.last.points_change) for u in units]
    fig = _figure(len(units))
    ax = fig.add_subplot()
    colours = [UP if c > 0 else DOWN if c < 0 else NEUTRAL for c in changes]
    bars = ax.barh([u.name for u in units], changes, color=colours, height=0.7)
    labels = [("+" if c > 0 else "") + format_number(u.last.points_change) for u, c in zip(units, changes, strict=True)]
    ax.bar_label(bars, labels=labels, padding=2, fontsize=8)
    ax.axvline(0, color="#333333", linewidth=0.8)
    low, high = min(0.0, *changes), max(0.0, *changes)
    room = (high - low) * 0.18 or 1.0
    ax.set_xlim(low - (room if low < 0 else 0), high + (room if high > 0 else 0))
    ax.set_xlabel(texts.AXIS_CHANGE)
    _decimal_axis(ax.xaxis, signed=True)
    _style(ax)
    return fig


def area_chart(stats: Sequence[AreaStat]) -> Figure:
    """Each area's average as a share of its maximum (areas differ in maximum), labelled 'average/maximum'."""
    rows = list(reversed(stats))  # the first area at the top
    shares = [float(a.average * 100 / a.max_points) for a in rows]
    names = [textwrap.fill(a.name, 38) for a in rows]
    fig = _figure(len(rows), lines=max(n.count("\n") + 1 for n in names))
    ax = fig.add_subplot()
    bars = ax.barh(names, shares, color=BAND_COLOURS[1], height=0.65)
    labels = [f"{format_number(a.average)}/{format_trimmed(a.max_points)}" for a in rows]
    ax.bar_label(bars, labels=labels, padding=2, fontsize=8)
    ax.set_xlim(0, 115)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel(texts.AXIS_PERCENT)
    _decimal_axis(ax.xaxis)
    ax.tick_params(axis="y", labelsize=7.5)
    _style(ax)
    return fig


def band_chart(summary: TypeSummary, year: int, last_year: int | None = None) -> Figure:
    """Units per band this year and, when known, last year: counts, so whole-number ticks."""
    bands = list(summary.bands)
    fig = Figure(figsize=(WIDTH_IN, 2.6), layout="constrained")
    ax = fig.add_subplot()
    x = range(len(bands))
    known_last = all(b.last_count is not None for b in bands)
    width = 0.38 if known_last else 0.6
    now = ax.bar(
        [i + (width / 2 if known_last else 0) for i in x],
        [b.count for b in bands],
        width,
        color=BAND_COLOURS[1],
        label=texts.YEAR.format(year=year),
    )
    ax.bar_label(now, labels=[str(b.count) for b in bands], padding=1, fontsize=8)
    if known_last:
        last = ax.bar(
            [i - width / 2 for i in x],
            [b.last_count for b in bands],
            width,
            color="#b0bec5",
            label=texts.YEAR.format(year=last_year or year - 1),
        )
        ax.bar_label(last, labels=[str(b.last_count) for b in bands], padding=1, fontsize=8)
        ax.legend(frameon=False, prop=_LEGEND)
    ax.set_xticks(list(x), [textwrap.fill(b.name, 22) for b in bands], fontsize=7.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max([b.count for b in bands] + [b.last_count or 0 for b in bands] + [1]) * 1.2)
    ax.set_ylabel(texts.AXIS_UNITS)
    _style(ax)
    return fig
