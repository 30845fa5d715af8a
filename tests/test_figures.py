"""The report's charts (matplotlib): bars sorted by value with full unit names, Vietnamese decimal commas on
the axes, whole-number ticks where units are counted, PNG bytes of the expected size, no pyplot state."""

from __future__ import annotations

import io
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from analysis import figures
from analysis.index_summary import area_stats, type_summary

from .support.index_data import sample_result
from .support.son_la_data import son_la_campaign


def _drawn(fig):
    FigureCanvasAgg(fig).draw()  # tick labels exist once the figure is drawn
    return fig.axes[0]


def _ticks(axis) -> list[str]:
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]


def test_ranking_bars_sorted_with_full_names():
    result = son_la_campaign().result
    ax = _drawn(figures.ranking_chart(result, "so"))
    names = _ticks(ax.yaxis)  # bottom to top
    units = result.of_type("so")
    assert names == [u.name for u in sorted(units, key=lambda u: (u.total, u.name))]
    assert "Sở Nông nghiệp và Phát triển nông thôn" in names and "Ban Quản lý các khu công nghiệp tỉnh" in names
    widths = [round(p.get_width(), 2) for p in ax.patches]
    assert widths == sorted(widths) and widths[-1] == float(units[0].total)
    # Bar labels in the Vietnamese style, two decimals.
    assert {t.get_text() for t in ax.texts} == {f"{u.total:.2f}".replace(".", ",") for u in units}


def test_axes_use_decimal_commas():
    result = sample_result()
    ax = _drawn(figures.change_chart(result, "so"))
    formatter = ax.xaxis.get_major_formatter()
    assert (formatter(2.5, 0), formatter(-1.25, 0), formatter(0, 0), formatter(10, 0)) == ("+2,5", "-1,25", "0", "+10")
    assert all("." not in t for t in _ticks(ax.xaxis))
    # Changes: S3 +7,00, S1 +2,90, S2 −1,00, S4 −2,50, sorted from the largest fall up.
    assert [t.get_text() for t in ax.texts] == ["-2,50", "-1,00", "+2,90", "+7,00"]
    area = _drawn(figures.area_chart(area_stats(result, "so")))
    assert [t.get_text() for t in area.texts][-1] == "33,38/40"  # the first area, drawn at the top
    assert area.patches[-1].get_width() == float(D("33.38") * 100 / 40)


def test_counts_tick_whole_numbers():
    for result in (sample_result(), son_la_campaign().result):
        for t in result.types:
            ax = _drawn(figures.band_chart(type_summary(result, t.code), 2024))
            ticks = ax.get_yticks()
            assert len(ticks) >= 2 and all(float(v).is_integer() for v in ticks), ticks


def test_no_comparison_no_change_chart():
    assert figures.change_chart(sample_result(last_year=()), "so") is None


def test_png_bytes():
    data = figures.chart_png(figures.ranking_chart(sample_result(), "huyen"), dpi=100)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.width == round(figures.WIDTH_IN * 100)


def test_figures_leave_pyplot_alone():
    # A web worker must not depend on pyplot's global figure manager or change the backend.
    code = (
        "import sys, matplotlib; from analysis import figures; from tests.support.index_data import sample_result;"
        "figures.chart_png(figures.ranking_chart(sample_result(), 'so'));"
        "print('matplotlib.pyplot' in sys.modules, matplotlib.rcParams['font.family'])"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root).stdout
    assert out.split()[0] == "False"
