"""Pure analysis library: scoring, the disclosure rule, statistics, the index, its workbook, charts and
report, Vietnamese text. Never imports Flask or the application.

Names are imported lazily (PEP 562): `from analysis import sort_key` loads `analysis.vntext` only, not
plotly, scipy or python-docx.
"""

from __future__ import annotations

from importlib import import_module

_WHERE = {
    "AnswerTable": "answers",
    "NamedFigure": "charts",
    "area_heatmap": "charts",
    "html_report": "charts",
    "index_figures": "charts",
    "ranking_figure": "charts",
    "response_distribution": "charts",
    "year_comparison": "charts",
    "area_chart": "figures",
    "band_chart": "figures",
    "change_chart": "figures",
    "chart_png": "figures",
    "ranking_chart": "figures",
    "FillReport": "fill",
    "UnitValues": "fill",
    "fill_workbook": "fill",
    "match_key": "fill",
    "AreaResult": "index",
    "BandRule": "index",
    "Comparison": "index",
    "IndexResult": "index",
    "IndexRules": "index",
    "TypeInfo": "index",
    "UnitIndex": "index",
    "compute_index": "index",
    "AreaStat": "index_summary",
    "BandCount": "index_summary",
    "Moves": "index_summary",
    "Named": "index_summary",
    "SurveySummary": "index_summary",
    "TypeSummary": "index_summary",
    "area_stats": "index_summary",
    "survey_summary": "index_summary",
    "type_summary": "index_summary",
    "ConversionError": "office",
    "office_binary": "office",
    "to_pdf": "office",
    "AlphaResult": "reliability",
    "area_alphas": "reliability",
    "cronbach_alpha": "reliability",
    "ReportInput": "report",
    "write_report": "report",
    "AreaScore": "scoring",
    "QuestionScore": "scoring",
    "ScoringRules": "scoring",
    "UnitScore": "scoring",
    "score_units": "scoring",
    "AdjacentPair": "statistics",
    "BootstrapResult": "statistics",
    "Correlation": "comparisons",
    "GroupDifference": "comparisons",
    "Inflation": "comparisons",
    "UnitInterval": "statistics",
    "bootstrap_survey_scores": "statistics",
    "component_correlation": "comparisons",
    "group_differences": "comparisons",
    "self_assessment_gaps": "comparisons",
    "DetailRow": "survey_detail",
    "survey_detail": "survey_detail",
    "fold": "vntext",
    "format_count": "vntext",
    "format_date": "vntext",
    "format_number": "vntext",
    "format_percent": "vntext",
    "format_trimmed": "vntext",
    "nfc": "vntext",
    "sort_key": "vntext",
    "SheetTable": "workbook",
    "describe_missing": "workbook",
    "describe_rounding": "workbook",
    "describe_tie_break": "workbook",
    "detail_sheet": "workbook",
    "index_sheets": "workbook",
    "info_sheet": "workbook",
    "neutralise": "cells",
    "neutralise_row": "cells",
    "write_workbook": "workbook",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
