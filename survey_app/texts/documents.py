"""Words of the documents: the index workbook's information sheet, the report's and the charts'
titles, the appraisal form. (The workbook's and report's own tables and phrases live with their
writers in `analysis/`.)"""

INFO = {
    "campaign": "Đợt khảo sát",
    "pack": "Bộ câu hỏi",
    "sha256": "Mã băm SHA-256 của bộ câu hỏi",
    "rounding": "Làm tròn",
    "tie_break": "Tiêu chí phụ khi bằng điểm",
    "k": "Ngưỡng ẩn danh (k)",
    "missing": "Thiếu số liệu",
    "last_band": "Nhóm năm trước",
    "made_at": "Thời điểm lập",
}
ROUNDING_MODE = {"half_up": "làm tròn nửa lên", "half_even": "làm tròn nửa về số chẵn"}
ROUNDING_STAGE = {"question": "ở mức từng câu hỏi", "area": "ở mức lĩnh vực", "total": "ở mức tổng điểm"}
SOURCES = {"appraisal": "điểm thẩm định", "survey": "điểm điều tra XHH", "satisfaction": "điểm hài lòng"}
LAST_BAND_GIVEN = "theo tệp kết quả năm trước"
LAST_BAND_DERIVED = (
    "Tệp kết quả năm trước không ghi nhóm của {count} đơn vị ({units}): nhóm năm trước của các đơn vị này "
    "được suy ra từ tổng điểm năm trước theo các mức xếp nhóm của bộ câu hỏi năm nay."
)
NO_TIE_BREAK = "không (bằng điểm thì đồng hạng)"
NONE = "không"
REPORT_TITLE = "Báo cáo kết quả xác định Chỉ số cải cách hành chính năm {year} (dự thảo)"
CHARTS_TITLE = "Chỉ số CCHC năm {year} – {title}"
SIMULATED = "Số liệu mô phỏng."
FORM_SHEET = "Điểm thẩm định"
FORM_HEADER = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Mã lĩnh vực",
    "Tên lĩnh vực",
    "Tiêu chí",
    "Điểm tối đa thẩm định",
    "Điểm tự đánh giá",
    "Điểm thẩm định",
    "Điểm không áp dụng",
)
FORM_HELP_SHEET = "Hướng dẫn"
FORM_HELP = (
    "Ghi Điểm thẩm định (bắt buộc, 0 nếu không có) và Điểm tự đánh giá cho mỗi đơn vị và lĩnh vực.",
    "Có thể tách một lĩnh vực thành nhiều dòng theo tiêu chí (cột Tiêu chí): các dòng được cộng lại.",
    "Điểm không áp dụng: điểm các tiêu chí không áp dụng với đơn vị, được trừ khỏi điểm tối đa của đơn vị.",
    "Tổng điểm thẩm định của một lĩnh vực không được vượt Điểm tối đa thẩm định.",
)
FORM_SOURCE = "Đợt khảo sát: {code}; bộ câu hỏi {pack} ({sha})."


def rounding(digits: int, mode: str, stage: str) -> str:
    """'2 chữ số thập phân, làm tròn nửa lên, ở mức từng câu hỏi'."""
    return f"{digits} chữ số thập phân, {ROUNDING_MODE.get(mode, mode)}, {ROUNDING_STAGE.get(stage, stage)}"
