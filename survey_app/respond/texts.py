"""Everything a respondent reads outside the questionnaire itself, in one place."""

MESSAGES = {
    "unknown": {
        "title": "Không tìm thấy phiếu khảo sát",
        "text": "Đường liên kết không đúng hoặc đã bị gõ sai. Vui lòng mở lại đúng đường liên kết trong "
        "thư mời, hoặc liên hệ cán bộ đầu mối của cơ quan để được cấp lại.",
    },
    "revoked": {
        "title": "Đường liên kết này đã được thay thế",
        "text": "Anh/chị đã được cấp một đường liên kết mới. Vui lòng dùng đường liên kết trong thư mời gần "
        "nhất; các câu đã trả lời vẫn được giữ. Nếu chưa nhận được, hãy liên hệ cán bộ đầu mối.",
    },
    "closed": {
        "title": "Đợt khảo sát đã kết thúc",
        "text": "Đợt khảo sát này đã đóng nên không thể trả lời thêm. Nếu anh/chị cho rằng có nhầm lẫn, "
        "vui lòng liên hệ Sở Nội vụ.",
    },
    "not_open": {
        "title": "Đợt khảo sát chưa bắt đầu",
        "text": "Phiếu khảo sát sẽ mở vào lúc {opens_at}. Vui lòng quay lại sau, bằng chính đường liên kết này.",
    },
    "already_submitted": {
        "title": "Phiếu đã được nộp",
        "text": "Phiếu khảo sát của anh/chị đã được nộp trước đó (có thể từ một thiết bị khác). "
        "Mỗi người chỉ nộp một lần; không cần làm gì thêm.",
    },
    "thanks": {
        "title": "Cảm ơn anh/chị đã hoàn thành phiếu khảo sát",
        "text": "Phiếu đã được ghi nhận. Câu trả lời được tổng hợp ẩn danh, không gắn với tên của anh/chị.",
    },
}

# The problems a submit or an autosave can name, by the service's code.
PROBLEMS = {
    "missing": "chưa trả lời",
    "not_an_object": "dữ liệu gửi lên không đúng dạng",
    "unit_not_rated": "phiếu này không đánh giá đơn vị đó",
    "unknown_question": "không có câu hỏi này trong phiếu",
    "option_not_on_scale": "phương án không có trong thang đo của câu hỏi",
    "incomplete": "Còn câu chưa trả lời",
    "invalid_answers": "Có câu trả lời không hợp lệ",
}

ANONYMITY = (
    "Phiếu khảo sát ẩn danh: câu trả lời được lưu tách khỏi họ tên và đường liên kết của anh/chị; "
    "kết quả chỉ được công bố theo nhóm từ {k} người trở lên."
)
