"""What the index pages say (flash messages and labels)."""

from ..texts.index import IMPORTED  # the same report of an import on the page and in the terminal

KINDS = {
    "appraisal": "Điểm thẩm định",
    "satisfaction": "Điểm hài lòng của người dân",
    "lastyear": "Kết quả năm trước",
}
LABELS = {
    "unit_code": "Mã đơn vị",
    "area": "Lĩnh vực",
    "criterion": "Tiêu chí",
    "appraised": "Điểm thẩm định",
    "self_assessed": "Điểm tự đánh giá",
    "not_applicable": "Điểm không áp dụng",
    "percent": "Tỷ lệ hài lòng (%)",
    "points": "Điểm hài lòng",
    "old_code": "Mã năm trước",
    "new_code": "Mã năm nay",
    "name": "Tên đơn vị",
    "total": "Tổng điểm",
    "rank": "Xếp hạng",
    "band": "Nhóm",
}
CHOOSE_FILE = "Chọn loại số liệu và một tệp .csv hoặc .xlsx."
PREVIEW_GONE = "Tệp đã xem trước không còn; hãy tải lên lại."
STATS_DONE = "Đã tính thống kê từ {responses} phiếu hợp lệ lúc {at}."
__all__ = ["CHOOSE_FILE", "IMPORTED", "KINDS", "LABELS", "PREVIEW_GONE", "STATS_DONE"]
