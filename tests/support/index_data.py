"""Small hand-made index inputs shared by the index tests (every number is chosen to be checked by hand)."""

from __future__ import annotations

from decimal import Decimal as D

from analysis.index import BandRule, IndexRules, compute_index

BANDS = (
    BandRule("A", "Nhóm A (từ 90 điểm trở lên)", D(90)),
    BandRule("B", "Nhóm B (từ 70 đến dưới 90 điểm)", D(70)),
    BandRule("C", "Nhóm C (dưới 70 điểm)", D(0)),
)
UNIT_TYPES = [
    dict(unit_type="so", name="Sở, ban, ngành", total_points=100, survey_points=20),
    dict(unit_type="huyen", name="UBND huyện, thành phố", total_points=100, survey_points=20),
]
AREAS = [
    dict(unit_type=t, area=a, name=n, max_points=m)
    for t in ("so", "huyen")
    for a, n, m in (
        ("LV1", "Chỉ đạo, điều hành", 40),
        ("LV2", "Thủ tục hành chính", 50),
        ("LV3", "Tác động đến người dân", 10),
    )
]
UNITS = [
    dict(unit="S1", name="Sở Nội vụ", unit_type="so"),
    dict(unit="S2", name="Sở Tài chính", unit_type="so"),
    dict(unit="S3", name="Sở Y tế", unit_type="so"),
    dict(unit="S4", name="Sở Xây dựng", unit_type="so"),
    dict(unit="H1", name="UBND huyện Mai Sơn", unit_type="huyen"),
    dict(unit="H2", name="UBND huyện Mộc Châu", unit_type="huyen"),
]
# (unit, appraisal LV1, appraisal LV2, survey LV1, survey LV2, satisfaction LV3)
PARTS = [
    ("S1", "28.50", "36.25", "9.50", "9.25", "9.40"),  # 92.90
    ("S2", "27.00", "35.00", "8.00", "8.00", "9.00"),  # 87.00
    ("S3", "26.00", "36.00", "8.50", "7.50", "9.00"),  # 87.00
    ("S4", "20.00", "30.00", "6.00", "6.00", "6.00"),  # 68.00
    ("H1", "25.00", "35.00", "8.00", "9.00", "9.10"),  # 86.10
    ("H2", "30.00", "36.00", "9.00", "9.00", "9.50"),
]  # 93.50
TOTALS = {"S1": D("92.90"), "S2": D("87.00"), "S3": D("87.00"), "S4": D("68.00"), "H1": D("86.10"), "H2": D("93.50")}
LAST_YEAR = [
    dict(unit="S1", total="90.00", rank=1, band="A"),
    dict(unit="S2-OLD", total="88.00", rank=2, band="B"),
    dict(unit="S3", total="80.00", rank=4, band="B"),
    dict(unit="S4", total="70.50", rank=3, band="B"),
    dict(unit="H1", total="87.00", rank=1, band="B"),
    dict(unit="H2", total="85.00", rank=2, band="B"),
    dict(unit="H2-B", total="80.00", rank=3, band="B"),
]
CODE_MAP = {"S2-OLD": "S2"}


def points_table(parts=PARTS) -> list[dict]:
    rows = []
    for unit, a1, a2, s1, s2, sat in parts:
        rows += [
            dict(unit=unit, area="LV1", source="appraisal", points=D(a1)),
            dict(unit=unit, area="LV2", source="appraisal", points=D(a2)),
            dict(unit=unit, area="LV1", source="survey", points=D(s1)),
            dict(unit=unit, area="LV2", source="survey", points=D(s2)),
            dict(unit=unit, area="LV3", source="satisfaction", points=D(sat)),
        ]
    return rows


def sample_result(last_year=LAST_YEAR, rules: IndexRules | None = None, **kw):
    return compute_index(
        UNITS, UNIT_TYPES, AREAS, points_table(), rules or IndexRules(bands=BANDS), last_year, CODE_MAP, **kw
    )
