"""Questionnaire packs: what the pack check's codes say (prefixed `pack.`)."""

TYPES = {
    "string": "chữ",
    "integer": "số nguyên",
    "number": "số",
    "array": "danh sách",
    "object": "bảng «khoá: giá trị»",
    "boolean": "true/false",
}

CODES = {
    "pack_refused": "Bộ câu hỏi có {count} lỗi:",
    "pack.no_pack_yaml": "không có tệp pack.yaml trong thư mục này",
    "pack.not_utf8": "không phải văn bản UTF-8 (byte {byte}); hãy lưu tệp dạng UTF-8",
    "pack.not_yaml": "không phải YAML hợp lệ: {detail}",
    "pack.units_file_missing": "không có tệp {file} trong bộ câu hỏi",
    "pack.unknown_keys": "khoá không có trong định dạng: {keys}",
    "pack.key_required": "thiếu khoá bắt buộc «{key}»",
    "pack.rates_form": "phải là «own» hoặc {{unit_type: MÃ}}",
    "pack.wrong_type": "phải là {expected:json_type} (đang là {value!r})",
    "pack.not_allowed_value": "giá trị {value!r} không được phép; chọn một trong: {allowed}",
    "pack.bad_code": "mã {value!r} chỉ được gồm chữ không dấu, số và . _ - (tối đa 40 ký tự)",
    "pack.below_minimum": "{value} nhỏ hơn mức tối thiểu {minimum}",
    "pack.above_maximum": "{value} lớn hơn mức tối đa {maximum}",
    "pack.too_short": "cần ít nhất {minimum} phần tử",
    "pack.schema_error": "không đúng định dạng ({detail})",
    "pack.dont_know_weight": "phương án «không biết» không có trọng số: nó ra khỏi mẫu số",
    "pack.weight_missing": "thiếu trọng số: mọi phương án trừ «không biết» cần trọng số trong [0, 1]",
    "pack.weight_range": "trọng số {weight:.4g} nằm ngoài [0, 1]",
    "pack.area_sum": (
        "điểm tối đa các lĩnh vực cộng lại là {sum:.2g}, không bằng total_points {total:.2g} "
        "(khai báo known_total_mismatch nếu đúng là như vậy)"
    ),
    "pack.area_sum_known": "điểm tối đa các lĩnh vực cộng lại là {sum:.2g}, không bằng total_points {total:.2g}",
    "pack.unknown_unit_type": "không có loại đơn vị «{value}»",
    "pack.second_satisfaction_rule": "loại đơn vị «{unit_type}» đã có một quy tắc điểm hài lòng",
    "pack.unknown_area": "không có lĩnh vực «{area}» trong loại đơn vị «{unit_type}»",
    "pack.satisfaction_above_area": "{points:.2g} điểm vượt điểm tối đa {maximum:.2g} của lĩnh vực «{area}»",
    "pack.bad_tie_break": "«{key}» không phải appraisal, survey, satisfaction hay mã lĩnh vực",
    "pack.duplicate_code": "mã «{value}» bị trùng",
    "pack.bands_not_descending": "các mức xếp loại phải theo min_percent giảm dần",
    "pack.last_band_not_zero": "mức xếp loại cuối cùng phải bắt đầu từ 0",
    "pack.band_above_100": "min_percent lớn hơn 100",
    "pack.group_weight_missing": "thiếu trọng số: cách tính group_weights cần trọng số cho mỗi nhóm",
    "pack.group_weights_sum": "trọng số các nhóm đánh giá loại đơn vị «{unit_type}» cộng lại là {total:.2g}, không phải 1",
    "pack.type_not_rated": "không nhóm nào đánh giá đơn vị loại «{unit_type}»",
    "pack.duplicate_question": "mã câu hỏi «{value}» bị trùng (lần đầu ở {first})",
    "pack.unknown_scale": "không có thang đo «{value}»",
    "pack.question_without_raters": "không nhóm nào đánh giá đơn vị loại «{unit_type}», nên không ai thấy câu này",
    "pack.unknown_group": "không có nhóm «{value}»",
    "pack.group_does_not_rate": "nhóm «{group}» không đánh giá đơn vị loại «{unit_type}»",
    "pack.survey_points_sum": (
        "điểm các câu hỏi của loại đơn vị «{unit_type}» cộng lại là {sum:.2g}, không bằng survey_points {declared:.2g}"
    ),
    "pack.area_points_above_max": "điểm các câu hỏi của lĩnh vực «{area}» cộng lại là {sum:.2g}, vượt điểm tối đa {maximum:.2g}",
    "pack.duplicate_unit_code": "mã đơn vị «{value}» bị trùng",
    "pack.units_columns_missing": "thiếu cột: {columns}",
    "pack.units_row_incomplete": "cần đủ code, name và unit_type",
}
