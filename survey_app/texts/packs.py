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
    "pack.not_yaml": "sai cú pháp YAML (thường do thụt lề không đều, hoặc một giá trị cần đặt trong dấu ngoặc kép)",
    "pack.not_yaml_tab": "sai cú pháp YAML: có ký tự tab; YAML chỉ thụt lề bằng dấu cách",
    "pack.not_yaml_colon_place": (
        "sai cú pháp YAML: dấu hai chấm không đúng chỗ (thụt lề sai, hoặc một giá trị có «: » cần đặt trong dấu "
        "ngoặc kép)"
    ),
    "pack.not_yaml_colon_missing": "sai cú pháp YAML: thiếu dấu hai chấm sau tên trường",
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

# Uploaded packs (a .zip of the pack folder, or the criteria workbook) and the workbook's reader.
CODES |= {
    "pack.upload_type": "chỉ nhận tệp .zip (thư mục bộ câu hỏi đã nén) hoặc .xlsx (bảng tiêu chí Excel)",
    "pack.upload_empty": "tệp trống",
    "pack.upload_too_large": "tệp nặng {size:.1f} MB, vượt giới hạn {limit:.0f} MB",
    "pack.zip_unreadable": "không đọc được tệp nén .zip ({detail})",
    "pack.zip_unsafe_path": "đường dẫn «{member}» trong tệp nén không an toàn (đường dẫn tuyệt đối hoặc có «..»); cả tệp bị từ chối",
    "pack.zip_link": "«{member}» là liên kết tới tệp khác; cả tệp bị từ chối",
    "pack.zip_encrypted": "«{member}» có mật khẩu; hãy nén lại không đặt mật khẩu",
    "pack.zip_too_large": "giải nén ra {size:.1f} MB, vượt giới hạn {limit:.0f} MB",
    "pack.zip_too_many": "tệp nén có {count} tệp, vượt giới hạn {limit} tệp",
    "pack.zip_no_pack": "không có tệp pack.yaml trong tệp nén",
    "pack.zip_two_packs": "tệp nén có nhiều tệp pack.yaml ({paths}); mỗi lần chỉ nén một bộ câu hỏi",
    "pack.zip_duplicate": "«{member}» có hai lần trong tệp nén",
    "pack.xlsx_unreadable": "không đọc được tệp Excel ({detail}); hãy lưu lại dạng Sổ làm việc Excel (.xlsx)",
    "pack.xlsx_sheet_missing": "thiếu trang «{sheet}»",
    "pack.xlsx_sheet_empty": "trang này chưa có dòng nào",
    "pack.xlsx_too_many_rows": "trang có {rows} dòng, vượt giới hạn {limit} dòng",
    "pack.xlsx_column_missing": "thiếu cột «{column}»",
    "pack.xlsx_unknown_column": "cột «{header}» không có trong mẫu; hãy sửa tên cột hoặc xoá cột",
    "pack.xlsx_duplicate_column": "cột «{header}» có hai lần",
    "pack.xlsx_merged": "ô gộp {cells}: hãy bỏ gộp ô và ghi giá trị vào từng ô",
    "pack.xlsx_extra_cell": "ô có dữ liệu («{value}») nằm ngoài các cột của bảng",
    "pack.xlsx_required": "bắt buộc, đang để trống",
    "pack.xlsx_not_number": "«{value}» không phải là số",
    "pack.xlsx_not_integer": "«{value}» không phải là số nguyên",
    "pack.xlsx_not_choice": "«{value}» không hợp lệ; chọn một trong: {allowed}",
    "pack.xlsx_date_in_text": "Excel đã đổi ô này thành ngày ({value}); hãy định dạng ô kiểu Văn bản rồi gõ lại",
    "pack.xlsx_unknown_item": "mục «{item}» không có trong mẫu",
    "pack.xlsx_duplicate_item": "mục «{item}» có hai lần (lần đầu ở dòng {first})",
    "pack.xlsx_item_missing": "thiếu mục «{item}»",
    "pack.xlsx_type_without_areas": "loại đơn vị «{unit_type}» chưa có lĩnh vực nào ở trang «{sheet}»",
    "pack.xlsx_too_few_options": "thang đo «{scale}» cần ít nhất {minimum} phương án",
    "pack.xlsx_duplicate_question": "mã câu hỏi «{value}» bị trùng (lần đầu ở dòng {first})",
    "pack.xlsx_scale_name_differs": "tên thang đo «{value}» khác tên ở dòng {first} («{name}»)",
}

# The criteria workbook: its sheets, columns, the rows of its first sheet and the words of the pack's
# choices. The reader matches them without regard to case or accents, and also takes the pack's own
# keys and values (`code`, `pooled`…) where a word is expected.
WORKBOOK_SHEETS = {
    "general": "Thông tin chung",
    "unit_types": "Loại đơn vị",
    "areas": "Lĩnh vực",
    "groups": "Nhóm đối tượng",
    "scales": "Thang đo",
    "questions": "Câu hỏi",
    "bands": "Xếp loại",
    "satisfaction": "Điểm hài lòng",
    "units": "Đơn vị",
    "help": "Hướng dẫn",
}
WORKBOOK_COLUMNS = {
    "general": {"item": "Mục", "value": "Giá trị", "note": "Giải thích"},
    "unit_types": {
        "code": "Mã loại",
        "name": "Tên loại đơn vị",
        "total_points": "Tổng điểm tối đa",
        "survey_points": "Điểm điều tra XHH",
        "known_total_mismatch": "Lý do tổng điểm lĩnh vực khác tổng điểm tối đa",
    },
    "areas": {"unit_type": "Loại đơn vị", "code": "Mã lĩnh vực", "name": "Tên lĩnh vực", "max_points": "Điểm tối đa"},
    "groups": {
        "code": "Mã nhóm",
        "name": "Tên nhóm",
        "unit_type": "Thuộc loại đơn vị",
        "rates": "Đánh giá",
        "min_responses": "Số phiếu tối thiểu",
        "weight": "Trọng số nhóm",
    },
    "scales": {
        "scale": "Mã thang đo",
        "scale_name": "Tên thang đo",
        "code": "Mã phương án",
        "label": "Phương án",
        "weight": "Trọng số",
        "dont_know": "Không đánh giá",
    },
    "questions": {
        "code": "Mã câu hỏi",
        "unit_type": "Loại đơn vị",
        "area": "Lĩnh vực",
        "criterion": "Tiêu chí",
        "sub_criterion": "Tiêu chí thành phần",
        "text": "Nội dung câu hỏi",
        "help": "Giải thích",
        "scale": "Thang đo",
        "points": "Điểm",
        "groups": "Nhóm trả lời",
    },
    "bands": {"code": "Mã xếp loại", "name": "Tên xếp loại", "min_percent": "Từ (% điểm tối đa)"},
    "satisfaction": {
        "unit_type": "Loại đơn vị",
        "area": "Lĩnh vực",
        "max_points": "Điểm tối đa",
        "rule": "Cách quy đổi",
        "floor_percent": "Tỷ lệ sàn (%)",
    },
    "units": {"code": "Mã đơn vị", "name": "Tên đơn vị", "unit_type": "Loại đơn vị"},
}
# The first sheet, one row per setting: (label, what to write).
WORKBOOK_ITEMS = {
    "code": ("Mã bộ câu hỏi", "Bắt buộc. Chữ thường không dấu, số và dấu '-', ví dụ son-la-2025."),
    "title": ("Tên phiếu", "Bắt buộc. Người trả lời đọc tên này."),
    "year": ("Năm đánh giá", "Bắt buộc, ví dụ 2025."),
    "description": ("Mô tả", "Không bắt buộc; dành cho cán bộ quản trị."),
    "wording_note": ("Nguồn nội dung câu hỏi", "Không bắt buộc; câu hỏi lấy từ văn bản nào."),
    "anonymous": ("Ẩn danh", "Có hoặc Không; để trống là Có."),
    "anonymity_k": ("Ngưỡng ẩn danh (k)", "Số phiếu ít nhất sau một con số được hiện riêng; để trống là 3."),
    "min_seconds": (
        "Thời gian trả lời tối thiểu (giây)",
        "Nhanh hơn thì phiếu bị đánh dấu để xem lại; để trống là không kiểm tra.",
    ),
    "max_reminders": ("Số lần nhắc tối đa", "Để trống là 3."),
    "scoring.method": (
        "Cách tính điểm",
        "Gộp mọi phiếu, hoặc Theo trọng số nhóm (cần Trọng số nhóm ở trang Nhóm đối tượng).",
    ),
    "rounding.digits": ("Số chữ số thập phân", "Bắt buộc, từ 0 đến 4."),
    "rounding.mode": ("Cách làm tròn", "Nửa lên (0,125 thành 0,13) hoặc Nửa về số chẵn (0,125 thành 0,12)."),
    "rounding.stage": ("Làm tròn ở mức", "Từng câu hỏi, Từng lĩnh vực hoặc Tổng điểm."),
    "tie_break": (
        "Tiêu chí phụ khi bằng điểm",
        "Không bắt buộc: Thẩm định, Điều tra XHH, Hài lòng hoặc mã lĩnh vực, cách nhau bằng dấu chấm phẩy.",
    ),
}
WORKBOOK_CHOICES = {
    "bool": {True: "Có", False: "Không"},
    "scoring.method": {"pooled": "Gộp mọi phiếu", "group_weights": "Theo trọng số nhóm"},
    "rounding.mode": {"half_up": "Nửa lên", "half_even": "Nửa về số chẵn"},
    "rounding.stage": {"question": "Từng câu hỏi", "area": "Từng lĩnh vực", "total": "Tổng điểm"},
    "rates": {"own": "Đơn vị của mình"},
    "rule": {"linear": "Tuyến tính"},
    "tie_break": {"appraisal": "Thẩm định", "survey": "Điều tra XHH", "satisfaction": "Hài lòng"},
}
WORKBOOK_HELP = (
    "Bảng tiêu chí của một bộ câu hỏi. Sửa trong Excel hoặc LibreOffice rồi tải lên ở trang Tạo đợt khảo sát.",
    "Giữ nguyên tên các trang và tên cột ở dòng 1; mỗi dòng một mục, không gộp ô, không để dòng ghi chú trong bảng.",
    "Mã (loại đơn vị, lĩnh vực, nhóm, thang đo, câu hỏi, xếp loại, đơn vị) chỉ gồm chữ không dấu, số và . _ -.",
    "Số thập phân viết 0,75 hoặc 0.75. Cột Tiêu chí để kiểu Văn bản, nếu không Excel đổi 1.2 thành ngày.",
    "Trang Nhóm đối tượng, cột Đánh giá: «Đơn vị của mình», hoặc mã một loại đơn vị khi nhóm đánh giá mọi đơn vị loại đó.",
    "Trang Câu hỏi, cột Nhóm trả lời: để trống là mọi nhóm đánh giá loại đơn vị đó; hoặc các mã nhóm cách nhau bằng dấu phẩy.",
    "Trang Thang đo: mỗi dòng một phương án; các dòng cùng Mã thang đo là một thang đo. Phương án «Không đánh giá» không có trọng số.",
    "Điểm các câu hỏi của một loại đơn vị phải cộng lại đúng bằng Điểm điều tra XHH; mọi lỗi được liệt kê cùng lúc theo trang, dòng và cột.",
)
