"""Plotly figures of the index (they take data and return a figure; no I/O) and a standalone HTML
report that embeds plotly.js, so it opens offline."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from .index import IndexResult
from .survey_detail import DetailRow
from .vntext import format_number

BAND_COLOURS = ("#1a7f37", "#2f6fb2", "#d4a017", "#c2410c", "#8b1e3f", "#555555")
_LAYOUT = dict(
    template="plotly_white",
    font=dict(family="Arial, sans-serif", size=13),
    separators=",.",
    margin=dict(l=10, r=10, t=60, b=10),
)


@dataclass(frozen=True)
class NamedFigure:
    key: str  # stable id, e.g. 'ranking-so'
    title: str
    figure: go.Figure


def _colour(result: IndexResult, band: str | None) -> str:
    codes = [b.code for b in result.rules.bands]
    return BAND_COLOURS[codes.index(band) % len(BAND_COLOURS)] if band in codes else "#999999"


def ranking_figure(result: IndexResult, unit_type: str) -> go.Figure:
    """Horizontal bars of the total, best at the top, coloured by band."""
    units = result.of_type(unit_type)
    fig = go.Figure()
    for band in [*result.rules.bands, None]:
        code = band.code if band else None
        chosen = [u for u in units if u.band == code]
        if not chosen:
            continue
        fig.add_bar(
            x=[float(u.total) for u in chosen],
            y=[u.name for u in chosen],
            orientation="h",
            name=band.name if band else "Chưa xếp nhóm",
            marker_color=_colour(result, code),
            text=[format_number(u.total) for u in chosen],
            textposition="outside",
            hovertemplate="%{y}: %{x:.2f} điểm<extra></extra>",
        )
    info = result.type_info(unit_type)
    fig.update_layout(
        **_LAYOUT,
        title=f"Xếp hạng Chỉ số CCHC – {info.name}",
        barmode="overlay",
        height=max(300, 26 * len(units) + 120),
    )
    fig.update_yaxes(categoryorder="array", categoryarray=[u.name for u in reversed(units)])
    fig.update_xaxes(title="Tổng điểm", range=[0, float(info.total_points) * 1.08])
    return fig


def area_heatmap(result: IndexResult, unit_type: str) -> go.Figure:
    """Units × areas, coloured by the share of the area's maximum reached (%)."""
    units = result.of_type(unit_type)
    info = result.type_info(unit_type)
    z = [[float(u.areas[c].points / mx * 100) if mx else None for c, _, mx in info.areas] for u in units]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[c for c, _, _ in info.areas],
            y=[u.name for u in units],
            colorscale="RdYlGn",
            zmin=50,
            zmax=100,
            colorbar=dict(title="% tối đa"),
            hovertemplate="%{y}<br>%{x}: %{z:.2f}%<extra></extra>",
        )
    )
    fig.update_layout(
        **_LAYOUT, title=f"Tỷ lệ điểm đạt được theo lĩnh vực – {info.name}", height=max(300, 24 * len(units) + 140)
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def year_comparison(result: IndexResult, unit_type: str) -> go.Figure:
    """Last year's total against this year's: a segment per unit (dumbbell)."""
    units = [u for u in result.of_type(unit_type) if u.last and u.last.last_total is not None]
    fig = go.Figure()
    for u in units:
        fig.add_scatter(
            x=[float(u.last.last_total), float(u.total)],
            y=[u.name, u.name],
            mode="lines",
            line=dict(color="#bbbbbb", width=3),
            showlegend=False,
            hoverinfo="skip",
        )
    fig.add_scatter(
        x=[float(u.last.last_total) for u in units],
        y=[u.name for u in units],
        mode="markers",
        name="Năm trước",
        marker=dict(color="#999999", size=10),
    )
    fig.add_scatter(
        x=[float(u.total) for u in units],
        y=[u.name for u in units],
        mode="markers",
        name="Năm nay",
        marker=dict(color="#0b3f75", size=10),
    )
    info = result.type_info(unit_type)
    fig.update_layout(**_LAYOUT, title=f"So sánh với năm trước – {info.name}", height=max(300, 26 * len(units) + 140))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="Tổng điểm")
    return fig


def response_distribution(rows: Sequence[DetailRow], area_names: dict[str, str], title: str) -> go.Figure:
    """Share of each answer option per area (all units and groups together), stacked to 100 %."""
    counts: dict[str, dict[str, int]] = {}
    for r in rows:
        per_area = counts.setdefault(r.area, {})
        for option, n in r.counts.items():
            per_area[option] = per_area.get(option, 0) + n
    areas = sorted(counts)
    options = sorted({o for c in counts.values() for o in c})
    fig = go.Figure()
    for option in options:
        shares = [100 * counts[a].get(option, 0) / (sum(counts[a].values()) or 1) for a in areas]
        fig.add_bar(
            x=[area_names.get(a, a) for a in areas],
            y=shares,
            name=f"Phương án {option}",
            hovertemplate="%{x}: %{y:.1f}%<extra></extra>",
        )
    fig.update_layout(**_LAYOUT, title=title, barmode="stack", yaxis=dict(title="% câu trả lời", range=[0, 100]))
    return fig


def index_figures(
    result: IndexResult, detail: Sequence[DetailRow] = (), area_names: dict[str, str] | None = None
) -> list[NamedFigure]:
    """Every chart of the report, per unit type."""
    out = []
    for t in result.types:
        if not result.of_type(t.code):
            continue
        out.append(NamedFigure(f"ranking-{t.code}", f"Xếp hạng – {t.name}", ranking_figure(result, t.code)))
        out.append(NamedFigure(f"areas-{t.code}", f"Theo lĩnh vực – {t.name}", area_heatmap(result, t.code)))
        if any(u.last and u.last.last_total is not None for u in result.of_type(t.code)):
            out.append(NamedFigure(f"years-{t.code}", f"So với năm trước – {t.name}", year_comparison(result, t.code)))
        type_rows = [
            r
            for r in detail
            if r.area in {c for c, _, _ in t.areas} and any(u.unit == r.unit for u in result.of_type(t.code))
        ]
        if type_rows:
            out.append(
                NamedFigure(
                    f"answers-{t.code}",
                    f"Phân bố câu trả lời – {t.name}",
                    response_distribution(type_rows, area_names or {}, f"Phân bố câu trả lời theo lĩnh vực – {t.name}"),
                )
            )
    return out


def html_report(figures: Sequence[NamedFigure], title: str, note: str = "") -> str:
    """One HTML page with plotly.js inside it: it works with no network."""
    parts = [
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:Arial,sans-serif;margin:1rem 2rem}h1{font-size:1.4rem}</style>",
        f"<script>{get_plotlyjs()}</script></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    if note:
        parts.append(f"<p>{html.escape(note)}</p>")
    for f in figures:
        parts.append(f"<h2>{html.escape(f.title)}</h2>")
        parts.append(
            f.figure.to_html(
                full_html=False, include_plotlyjs=False, div_id=f.key, config={"displaylogo": False, "locale": "vi"}
            )
        )
    parts.append("</body></html>")
    return "\n".join(parts)
