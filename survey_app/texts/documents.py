"""Words of the documents: the index workbook's information sheet, the report's and the charts'
titles, the appraisal form. (The workbook's and report's own tables and phrases live with their
writers in `analysis/`, with the words for rounding, tie-breaks and sources: `analysis/texts.py`.)"""

from analysis.texts import SOURCES  # noqa: F401  (one name per source, for pages and the terminal)

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
LAST_BAND_GIVEN = "theo tệp kết quả năm trước"
LAST_BAND_DERIVED = (
    "Tệp kết quả năm trước không ghi nhóm của {count} đơn vị ({units}): nhóm năm trước của các đơn vị này "
    "được suy ra từ tổng điểm năm trước theo các mức xếp nhóm của bộ câu hỏi năm nay."
)
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
