"""Vietnamese words of the documents (workbook, report, charts) for the codes the index uses."""

from __future__ import annotations

ROUNDING_MODES = {"half_up": "làm tròn nửa lên", "half_even": "làm tròn nửa về số chẵn"}
ROUNDING_STAGES = {"question": "ở mức câu hỏi", "area": "ở mức lĩnh vực", "total": "ở mức tổng điểm"}
SOURCES = {
    "appraisal": "điểm thẩm định",
    "survey": "điểm điều tra xã hội học",
    "satisfaction": "điểm hài lòng của người dân",
}
DIRECTION = {"up": "Tăng bậc", "same": "Giữ bậc", "down": "Giảm bậc"}
NO_TIE_BREAK = "không (bằng điểm thì đồng hạng)"
NONE_MISSING = "không"
DIGITS = "{digits} chữ số thập phân"
UNNAMED_OPTION = "Phương án {code}"
PAGE_FOOTER = "&A – trang &P"  # sheet name and page number at the foot of each printed page
# The workbook's named styles, by the number format of the cells that use them (Excel shows these names).
STYLE_NAMES = {
    "title": "CCHC tiêu đề",
    "head": "CCHC tiêu đề cột",
    None: "CCHC chữ",
    "0": "CCHC số nguyên",
    "0.00": "CCHC điểm",
    "0.0000": "CCHC trọng số",
}

# The report's heading block (Nghị định 30/2020/NĐ-CP, Phụ lục I) and fixed parts.
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PROVINCE_COMMITTEE = "UBND TỈNH {province}"
NUMBER = "Số: {number}/BC-{code}"
PLACE_DATE = "{place}, {date}"
BLANK_DATE = "ngày … tháng … năm …"
BLANK = "……"
REPORT = "BÁO CÁO"
RECIPIENTS = "Nơi nhận:"
SIMULATED = "[MÔ PHỎNG] Số liệu trong báo cáo này là số liệu mô phỏng, không phải kết quả thật."
SUBJECT = "Kết quả xác định Chỉ số cải cách hành chính năm {year} của {types}"
DEFAULT_RECIPIENTS = ("UBND tỉnh (báo cáo);", "Các sở, ban, ngành, UBND các huyện, thành phố;", "Lưu: VT, CCHC.")
ANNEX = "PHỤ LỤC"
ANNEX_TABLE = "Bảng {n}. Kết quả Chỉ số CCHC năm {year} của {type}"
CHART_CAPTION = "Biểu đồ {n}. {title}"

# The report's general results of a unit type, after its average: how the units spread around it.
GENERAL_SPREAD = (
    "có {above} đơn vị đạt kết quả trên mức trung bình, trong đó {best} nhất bảng với {best_points} điểm; "
    "có {below} đơn vị đạt kết quả dưới mức trung bình, trong đó {worst} cuối bảng với {worst_points} điểm"
)
GENERAL_ONE = "chỉ có một đơn vị được xác định Chỉ số là {name}, với {points} điểm"
GENERAL_TIED = "cả {count} đơn vị đều đạt {points} điểm, bằng mức trung bình"
# The report's officials' survey (I) per unit type: after its average, how the units spread around it;
# or, for a type with one unit, that unit alone (its points are the average).
SURVEY_SPREAD = (
    "có {below}/{count} đơn vị có điểm đạt được thấp hơn điểm trung bình; {best} có điểm cao nhất, được "
    "{best_points} điểm, đạt {best_percent}; {worst} có điểm thấp nhất, được {worst_points} điểm, đạt {worst_percent}"
)
SURVEY_ONE = "chỉ có một đơn vị được xác định điểm là {name}, với {points}/{max_points} điểm, đạt {percent}"
SURVEY_TIED = "cả {count} đơn vị đều được {points} điểm, bằng điểm trung bình"
GAP_ABOVE = "có {count} đơn vị đạt Chỉ số CCHC trên giá trị trung bình"  # the general remarks (III)
GAP_NONE_ABOVE = "không có đơn vị nào đạt Chỉ số CCHC trên giá trị trung bình"

# Charts.
CHART_RANKING = "Chỉ số CCHC năm {year} của {type}"
CHART_CHANGE = "Tăng (+)/giảm (-) tổng điểm so với năm {last} của {type}"
CHART_AREAS = "Điểm trung bình theo lĩnh vực của {type} (tỷ lệ so với điểm tối đa)"
CHART_BANDS = "Số đơn vị theo nhóm xếp loại của {type}"
AXIS_POINTS = "Tổng điểm"
AXIS_CHANGE = "Điểm tăng (+)/giảm (-)"
AXIS_PERCENT = "Tỷ lệ so với điểm tối đa (%)"
AXIS_UNITS = "Số đơn vị"
YEAR = "Năm {year}"
NO_BAND = "Chưa xếp nhóm"

# The disclosure rule in the documents: a unit under k is withheld, or published as the pack says.
WITHHELD = "Không đủ mẫu ({responses}/{k} phiếu hợp lệ): không xếp hạng"
WITHHELD_LINE = (
    "Có {count} đơn vị không đủ mẫu điều tra xã hội học (dưới {k} phiếu hợp lệ) nên không xác định Chỉ số, "
    "không xếp hạng và không tính vào các giá trị trung bình: {units}."
)
BELOW_K_LINE = (
    "Chỉ số của {units} được công bố dù chưa đủ {k} phiếu hợp lệ, theo quy định của bộ câu hỏi "
    "(publish_below_k); điểm điều tra xã hội học của các đơn vị này phản ánh ý kiến của rất ít người."
)
UNIT_RESPONSES = "{name} ({responses} phiếu)"
