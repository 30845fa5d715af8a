"""Pack loading: the shipped packs load; every kind of bad pack is refused naming file, path and reason."""

from __future__ import annotations

import copy
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from survey_app import texts
from survey_app.packs import PackError, load_pack, load_pack_files
from survey_app.texts import say_error

from .support.campaigns import PACKS

MINI = {
    "format": 1,
    "code": "thu-2025",
    "title": "Phiếu khảo sát thử nghiệm",
    "year": 2025,
    "units_file": "units.csv",
    "scoring": {"method": "pooled"},
    "rounding": {"digits": 2, "mode": "half_up", "stage": "question"},
    "bands": [{"code": "A", "name": "Nhóm A", "min_percent": 90}, {"code": "B", "name": "Nhóm B", "min_percent": 0}],
    "scales": [
        {
            "code": "s4",
            "options": [
                {"code": "A", "label": "Tốt", "weight": 1},
                {"code": "B", "label": "Kém", "weight": 0},
                {"code": "X", "label": "Không đánh giá", "dont_know": True},
            ],
        }
    ],
    "unit_types": [
        {
            "code": "so",
            "name": "Sở",
            "total_points": 100,
            "survey_points": 2,
            "areas": [
                {"code": "LV1", "name": "Một", "max_points": 40},
                {"code": "LV2", "name": "Hai", "max_points": 60},
            ],
        },
        {
            "code": "xa",
            "name": "UBND xã",
            "total_points": 100,
            "survey_points": 1,
            "areas": [{"code": "LV1", "name": "Chỉ đạo điều hành", "max_points": 100}],
        },
    ],
    "groups": [
        {"code": "SO-CC", "name": "Công chức sở", "unit_type": "so", "rates": "own", "weight": 0.4},
        {"code": "XA-LD", "name": "Lãnh đạo xã", "unit_type": "xa", "rates": {"unit_type": "so"}, "weight": 0.6},
        {"code": "XA-CC", "name": "Công chức xã", "unit_type": "xa", "rates": "own", "weight": 1},
    ],
}
QUESTIONS = {
    "so": [
        {"code": "S1", "unit_type": "so", "area": "LV1", "text": "Câu một", "scale": "s4", "points": 1},
        {
            "code": "S2",
            "unit_type": "so",
            "area": "LV2",
            "text": "Câu hai",
            "scale": "s4",
            "points": 1,
            "groups": ["SO-CC"],
        },
    ],
    "xa": [{"code": "X1", "unit_type": "xa", "area": "LV1", "text": "Câu xã", "scale": "s4", "points": 1}],
}
UNITS = 'code,name,unit_type\nSO-NV,Sở Nội vụ,so\nX-1,"Xã Một, Hai",xa\n'


def write_pack(root: Path, pack: dict, questions: dict, units: str = UNITS) -> Path:
    (root / "questions").mkdir(parents=True)
    (root / "pack.yaml").write_text(yaml.safe_dump(pack, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for name, items in questions.items():
        text = yaml.safe_dump({"questions": items}, allow_unicode=True, sort_keys=False)
        (root / "questions" / f"{name}.yaml").write_text(text, encoding="utf-8")
    (root / "units.csv").write_text(units, encoding="utf-8")
    return root


def refused(tmp_path: Path, mutate=None, units: str = UNITS) -> list[str]:
    """Mutate a copy of the mini pack, load it, return the issues with the pack directory cut off."""
    pack, questions = copy.deepcopy(MINI), copy.deepcopy(QUESTIONS)
    if mutate:
        mutate(pack, questions)
    root = write_pack(tmp_path / "pack", pack, questions, units)
    with pytest.raises(PackError) as info:
        load_pack(root)
    lines = [texts.say_pack_issue(i).replace(f"{root}/", "") for i in info.value.issues]
    assert say_error(info.value).replace(f"{root}/", "") == "\n".join([f"Bộ câu hỏi có {len(lines)} lỗi:", *lines])
    return lines


def test_son_la_2024_loads_with_two_area_sum_warnings():
    root = PACKS / "son-la-2024"
    loaded = load_pack(root)
    p = loaded.pack
    assert Counter(q.unit_type for q in p.questions) == {"so": 32, "huyen": 32}
    assert {t.code: t.survey_points for t in p.unit_types} == {"so": Decimal(20), "huyen": Decimal(20)}
    assert Counter(u.unit_type for u in p.units) == {"so": 20, "huyen": 12}
    assert p.scoring_method == "pooled"
    assert [texts.say_pack_issue(w) for w in loaded.warnings] == [
        f"{root}/pack.yaml: unit_types[0].areas: điểm tối đa các lĩnh vực cộng lại là 99,5, không bằng total_points 100",
        f"{root}/pack.yaml: unit_types[1].areas: điểm tối đa các lĩnh vực cộng lại là 98,5, không bằng total_points 100",
    ]
    assert sorted(loaded.files) == ["pack.yaml", "questions/huyen.yaml", "questions/so.yaml", "units.csv"]
    assert load_pack(root).sha256 == loaded.sha256


def test_hai_cap_2025_loads_without_warnings():
    loaded = load_pack(PACKS / "hai-cap-2025")
    p = loaded.pack
    assert loaded.warnings == []
    assert Counter(q.unit_type for q in p.questions) == {"so": 12, "xa": 24}
    assert all(t.survey_points == 20 for t in p.unit_types)
    assert Counter(u.unit_type for u in p.units) == {"so": 6, "xa": 6}
    assert p.scoring_method == "group_weights"
    assert p.group_by_code["XA-LD"].rates_unit_type == "so"
    by_target: dict[str, Decimal] = Counter()
    for g in p.groups:
        by_target[g.target_type()] += g.weight
    assert by_target == {"so": 1, "xa": 1}


def test_mini_pack_is_valid(tmp_path):
    loaded = load_pack(write_pack(tmp_path / "pack", MINI, QUESTIONS))
    p = loaded.pack
    assert loaded.warnings == []
    assert [q.code for q in p.questions] == ["S1", "S2", "X1"]  # file-name order
    assert p.question_by_code["S1"].groups == ("SO-CC", "XA-LD")  # default: every group rating 'so'
    assert p.question_by_code["X1"].groups == ("XA-CC",)
    assert [u.name for u in p.units] == ["Sở Nội vụ", "Xã Một, Hai"]
    assert p.scale_by_code["s4"].option("B").weight == Decimal(0)
    assert p.scale_by_code["s4"].option("X").weight is None


def test_load_pack_files_names_files_relative_and_hashes_content():
    files = {
        "pack.yaml": yaml.safe_dump(MINI, allow_unicode=True),
        "units.csv": UNITS,
        "questions/a.yaml": yaml.safe_dump({"questions": QUESTIONS["so"] + QUESTIONS["xa"]}),
    }
    a, b = load_pack_files(files), load_pack_files(dict(files))
    assert a.sha256 == b.sha256
    files["units.csv"] += "SO-TC,Sở Tài chính,so\n"
    assert load_pack_files(files).sha256 != a.sha256
    files["questions/a.yaml"] = files["questions/a.yaml"].replace("points: 1", "points: 2", 1)
    with pytest.raises(PackError) as info:
        load_pack_files(files)
    assert [texts.say_pack_issue(i) for i in info.value.issues] == [
        "pack.yaml: unit_types[0].survey_points: điểm các câu hỏi của loại đơn vị «so» cộng lại là 3, "
        "không bằng survey_points 2"
    ]


def test_unknown_keys_in_every_file(tmp_path):
    def mutate(p, q):
        p["colour"] = "đỏ"
        p["scales"][0]["options"][1]["wieght"] = 0
        q["xa"][0]["note"] = "x"

    assert refused(tmp_path, mutate) == [
        "pack.yaml: khoá không có trong định dạng: colour",
        "pack.yaml: scales[0].options[1]: khoá không có trong định dạng: wieght",
        "questions/xa.yaml: questions[0]: khoá không có trong định dạng: note",
    ]


def test_duplicate_question_code_across_files(tmp_path):
    assert refused(tmp_path, lambda p, q: q["xa"][0].update(code="S2")) == [
        "questions/xa.yaml: questions[0].code: mã câu hỏi «S2» bị trùng (lần đầu ở questions/so.yaml questions[1])"
    ]


def test_duplicate_option_and_group_codes(tmp_path):
    def mutate(p, q):
        p["scales"][0]["options"][1]["code"] = "A"
        p["groups"].append(dict(p["groups"][2], name="Lặp lại"))

    assert refused(tmp_path, mutate) == [
        "pack.yaml: groups[2].code: mã «XA-CC» bị trùng",
        "pack.yaml: groups[3].code: mã «XA-CC» bị trùng",
        "pack.yaml: scales[0].options[0].code: mã «A» bị trùng",
        "pack.yaml: scales[0].options[1].code: mã «A» bị trùng",
    ]


def test_unknown_group_references(tmp_path):
    def mutate(p, q):
        p["groups"][0]["unit_type"] = "huyn"
        p["groups"][1]["rates"]["unit_type"] = "sox"

    assert refused(tmp_path, mutate) == [
        "pack.yaml: groups[0].unit_type: không có loại đơn vị «huyn»",
        "pack.yaml: groups[1].rates.unit_type: không có loại đơn vị «sox»",
        "pack.yaml: unit_types[0]: không nhóm nào đánh giá đơn vị loại «so»",
        "questions/so.yaml: questions[0]: không nhóm nào đánh giá đơn vị loại «so», nên không ai thấy câu này",
        "questions/so.yaml: questions[1].groups[0]: nhóm «SO-CC» không đánh giá đơn vị loại «so»",
    ]


def test_unknown_question_references(tmp_path):
    def mutate(p, q):
        q["so"][0]["area"] = "LV9"
        q["so"][1].update(scale="s5", groups=["SO-XX"])
        q["xa"][0]["unit_type"] = "huyen"

    assert refused(tmp_path, mutate) == [
        "questions/so.yaml: questions[0].area: không có lĩnh vực «LV9» trong loại đơn vị «so»",
        "questions/so.yaml: questions[1].scale: không có thang đo «s5»",
        "questions/so.yaml: questions[1].groups[0]: không có nhóm «SO-XX»",
        "questions/xa.yaml: questions[0].unit_type: không có loại đơn vị «huyen»",
        "pack.yaml: unit_types[1].survey_points: điểm các câu hỏi của loại đơn vị «xa» cộng lại là 0, "
        "không bằng survey_points 1",
    ]


def test_question_group_must_rate_its_unit_type(tmp_path):
    assert refused(tmp_path, lambda p, q: q["so"][1].update(groups=["SO-CC", "XA-CC"])) == [
        "questions/so.yaml: questions[1].groups[1]: nhóm «XA-CC» không đánh giá đơn vị loại «so»"
    ]


def test_weights_outside_0_1_and_weighted_dont_know(tmp_path):
    def mutate(p, q):
        p["scales"][0]["options"][0]["weight"] = 1.5
        p["scales"][0]["options"][1]["weight"] = -0.2
        p["scales"][0]["options"][2]["weight"] = 0
        p["groups"][2]["weight"] = 2

    assert refused(tmp_path, mutate) == [
        "pack.yaml: scales[0].options[0].weight: trọng số 1,5 nằm ngoài [0, 1]",
        "pack.yaml: scales[0].options[1].weight: trọng số -0,2 nằm ngoài [0, 1]",
        "pack.yaml: scales[0].options[2].weight: phương án «không biết» không có trọng số: nó ra khỏi mẫu số",
        "pack.yaml: groups[2].weight: trọng số 2 nằm ngoài [0, 1]",
    ]


def test_points_must_add_up_and_fit_the_area(tmp_path):
    def mutate(p, q):
        q["so"][0]["points"] = 0.75
        p["unit_types"][1]["areas"] = [
            {"code": "LV1", "name": "Một", "max_points": 0.5},
            {"code": "LV2", "name": "Hai", "max_points": 99.5},
        ]

    assert refused(tmp_path, mutate) == [
        "pack.yaml: unit_types[0].survey_points: điểm các câu hỏi của loại đơn vị «so» cộng lại là 1,75, "
        "không bằng survey_points 2",
        "pack.yaml: unit_types[1].areas[0]: điểm các câu hỏi của lĩnh vực «LV1» cộng lại là 1, vượt điểm tối đa 0,5",
    ]


def test_area_total_error_or_declared_warning(tmp_path):
    def mutate(p, _q):
        p["unit_types"][0]["areas"][1]["max_points"] = 59.5

    assert refused(tmp_path, mutate) == [
        "pack.yaml: unit_types[0].areas: điểm tối đa các lĩnh vực cộng lại là 99,5, không bằng total_points 100 "
        "(khai báo known_total_mismatch nếu đúng là như vậy)"
    ]
    pack = copy.deepcopy(MINI)
    mutate(pack, None)
    pack["unit_types"][0]["known_total_mismatch"] = "Theo quyết định công bố."
    loaded = load_pack(write_pack(tmp_path / "declared", pack, QUESTIONS))
    assert [texts.say_pack_issue(w).split("/declared/")[1] for w in loaded.warnings] == [
        "pack.yaml: unit_types[0].areas: điểm tối đa các lĩnh vực cộng lại là 99,5, không bằng total_points 100"
    ]


def test_group_weights_must_sum_to_1_exactly(tmp_path):
    pack = copy.deepcopy(MINI)
    pack["scoring"]["method"] = "group_weights"
    pack["groups"][0]["weight"] = 0.1
    pack["groups"][1]["weight"] = 0.2
    pack["groups"].append({"code": "SO-LD", "name": "Lãnh đạo sở", "unit_type": "so", "rates": "own", "weight": 0.7})
    assert load_pack(write_pack(tmp_path / "ok", pack, QUESTIONS)).pack.scoring_method == "group_weights"

    def mutate(p, q):
        p["scoring"]["method"] = "group_weights"
        p["groups"][0]["weight"] = 0.5
        del p["groups"][2]["weight"]

    assert refused(tmp_path, mutate) == [
        "pack.yaml: groups[2].weight: thiếu trọng số: cách tính group_weights cần trọng số cho mỗi nhóm",
        "pack.yaml: groups: trọng số các nhóm đánh giá loại đơn vị «so» cộng lại là 1,1, không phải 1",
    ]


@pytest.mark.parametrize(
    "mins, expected",
    [
        ([50, 70, 0], ["pack.yaml: bands: các mức xếp loại phải theo min_percent giảm dần"]),
        ([90, 90, 0], ["pack.yaml: bands: các mức xếp loại phải theo min_percent giảm dần"]),
        ([90, 50, 10], ["pack.yaml: bands[2].min_percent: mức xếp loại cuối cùng phải bắt đầu từ 0"]),
    ],
)
def test_bands(tmp_path, mins, expected):
    def mutate(p, q):
        p["bands"] = [{"code": f"N{i}", "name": f"Nhóm {i}", "min_percent": m} for i, m in enumerate(mins)]

    assert refused(tmp_path, mutate) == expected


def test_yaml_syntax_error_gives_the_line(tmp_path):
    root = write_pack(tmp_path / "pack", MINI, QUESTIONS)
    good = (root / "pack.yaml").read_text(encoding="utf-8")
    (root / "pack.yaml").write_text(good + "extra:\n  - code: a\n   name: b\n", encoding="utf-8")
    line = len(good.splitlines()) + 3
    with pytest.raises(PackError) as info:
        load_pack(root)
    assert [texts.say_pack_issue(i) for i in info.value.issues] == [
        f"{root}/pack.yaml: dòng {line}, cột 4: sai cú pháp YAML (thường do thụt lề không đều, hoặc một giá trị cần "
        "đặt trong dấu ngoặc kép)"
    ]


@pytest.mark.parametrize(
    ("extra", "where", "reason"),
    [
        ("title: Chỉ số: năm 2024\n", (1, 14), "dấu hai chấm không đúng chỗ"),  # mapping values are not allowed here
        ("extra:\n\t- a\n", (2, 1), "có ký tự tab; YAML chỉ thụt lề bằng dấu cách"),
        ("extra: {a: 1, b\n", (2, 1), "sai cú pháp YAML"),
    ],
)
def test_yaml_syntax_errors_name_line_and_column_in_vietnamese_only(tmp_path, extra, where, reason):
    root = write_pack(tmp_path / "pack", MINI, QUESTIONS)
    good = (root / "pack.yaml").read_text(encoding="utf-8")
    (root / "pack.yaml").write_text(good + extra, encoding="utf-8")
    line, column = len(good.splitlines()) + where[0], where[1]
    with pytest.raises(PackError) as info:
        load_pack(root)
    (message,) = [texts.say_pack_issue(i) for i in info.value.issues]
    assert message.startswith(f"{root}/pack.yaml: dòng {line}, cột {column}: ") and reason in message, message
    assert not re.search(r"mapping|allowed|expected|found|token", message), message  # nothing of PyYAML's English


def test_every_yaml_hint_has_a_catalogue_entry():
    from survey_app.packs import loader

    assert {f"pack.{c}" for c in loader._YAML_PROBLEMS.values()} | {"pack.not_yaml"} <= texts.CATALOGUE.keys()


def test_missing_pack_yaml(tmp_path):
    with pytest.raises(PackError) as info:
        load_pack(tmp_path)
    assert say_error(info.value) == f"Bộ câu hỏi có 1 lỗi:\n{tmp_path}: không có tệp pack.yaml trong thư mục này"


def test_units_file_unknown_type_and_duplicate_code(tmp_path):
    units = UNITS + "SO-NV,Sở Nội vụ (lặp),so\nH-1,Huyện Một,huyện\n"
    assert refused(tmp_path, units=units) == [
        "units.csv: dòng 2, cột code: mã đơn vị «SO-NV» bị trùng",
        "units.csv: dòng 4, cột code: mã đơn vị «SO-NV» bị trùng",
        "units.csv: dòng 5, cột unit_type: không có loại đơn vị «huyện»",
    ]


def test_every_error_is_listed_at_once(tmp_path):
    def mutate(p, q):
        p["bands"][1]["min_percent"] = 5
        p["scales"][0]["options"][0]["weight"] = 3
        p["groups"][1]["rates"]["unit_type"] = "tinh"
        q["so"][1]["area"] = "LV7"
        q["xa"][0]["code"] = "S1"

    assert refused(tmp_path, mutate, units=UNITS + "T-1,Tỉnh,tinh\n") == [
        "pack.yaml: scales[0].options[0].weight: trọng số 3 nằm ngoài [0, 1]",
        "pack.yaml: bands[1].min_percent: mức xếp loại cuối cùng phải bắt đầu từ 0",
        "pack.yaml: groups[1].rates.unit_type: không có loại đơn vị «tinh»",
        "questions/so.yaml: questions[1].area: không có lĩnh vực «LV7» trong loại đơn vị «so»",
        "questions/xa.yaml: questions[0].code: mã câu hỏi «S1» bị trùng (lần đầu ở questions/so.yaml questions[0])",
        "units.csv: dòng 4, cột unit_type: không có loại đơn vị «tinh»",
    ]
