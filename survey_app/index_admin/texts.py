"""What the index pages say (flash messages and labels)."""

from ..texts.index import IMPORTED  # the same report of an import on the page and in the terminal

KINDS = {
    "appraisal": "Điểm thẩm định",
    "satisfaction": "Điểm hài lòng của người dân",
    "lastyear": "Kết quả năm trước",
}
CHOOSE_FILE = "Chọn loại số liệu và một tệp .csv hoặc .xlsx."
PREVIEW_GONE = "Tệp đã xem trước không còn; hãy tải lên lại."
STATS_DONE = "Đã tính thống kê từ {responses} phiếu hợp lệ lúc {at}."
# Why an area has no Cronbach's alpha (analysis.reliability.AlphaResult.note).
ALPHA_NOTES = {
    "one_question": "một câu hỏi",
    "too_few_complete": "không đủ phiếu trả lời đủ các câu",
    "no_variance": "các câu trả lời không khác nhau",
}
__all__ = ["ALPHA_NOTES", "CHOOSE_FILE", "IMPORTED", "KINDS", "PREVIEW_GONE", "STATS_DONE"]
