"""Pure analysis library: scoring, Vietnamese text helpers. Never imports Flask."""

from .charts import (
    NamedFigure,
    area_heatmap,
    html_report,
    index_figures,
    ranking_figure,
    response_distribution,
    year_comparison,
)
from .fill import FillReport, UnitValues, fill_workbook, match_key
from .index import AreaResult, BandRule, Comparison, IndexResult, IndexRules, TypeInfo, UnitIndex, compute_index
from .index_summary import (
    AreaStat,
    BandCount,
    Moves,
    Named,
    SurveySummary,
    TypeSummary,
    area_stats,
    survey_summary,
    type_summary,
)
from .reliability import AlphaResult, area_alphas, cronbach_alpha
from .report import ReportInput, write_report
from .scoring import AreaScore, QuestionScore, ScoringRules, UnitScore, score_units
from .statistics import (
    AdjacentPair,
    BootstrapResult,
    Correlation,
    GroupDifference,
    Inflation,
    UnitInterval,
    bootstrap_survey_scores,
    component_correlation,
    group_differences,
    self_assessment_gaps,
)
from .survey_detail import DetailRow, survey_detail
from .vntext import fold, format_number, nfc, sort_key
from .workbook import SheetTable, detail_sheet, index_sheets, info_sheet, neutralise, write_workbook

__all__ = [
    "AreaScore", "QuestionScore", "ScoringRules", "UnitScore", "fold", "format_number", "nfc",
    "score_units", "sort_key",
    # index (issue 5)
    "AreaResult", "BandRule", "Comparison", "IndexResult", "IndexRules", "TypeInfo", "UnitIndex", "compute_index",
    "AreaStat", "BandCount", "Moves", "Named", "SurveySummary", "TypeSummary", "area_stats", "survey_summary",
    "type_summary",
    "AdjacentPair", "BootstrapResult", "Correlation", "GroupDifference", "Inflation", "UnitInterval",
    "bootstrap_survey_scores", "component_correlation", "group_differences", "self_assessment_gaps",
    "AlphaResult", "area_alphas", "cronbach_alpha",
    "DetailRow", "survey_detail",
    "SheetTable", "detail_sheet", "index_sheets", "info_sheet", "neutralise", "write_workbook",
    "FillReport", "UnitValues", "fill_workbook", "match_key",
    "NamedFigure", "area_heatmap", "html_report", "index_figures", "ranking_figure", "response_distribution",
    "year_comparison",
    "ReportInput", "write_report",
]
