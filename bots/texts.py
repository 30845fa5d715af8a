"""Everything the Telegram bot says, in one place (Vietnamese)."""

WELCOME = (
    "Xin chào! Đây là kênh nhận thư mời và nhắc nhở khảo sát Chỉ số cải cách hành chính.\n"
    "Để liên kết, hãy mở đường liên kết Telegram trong thư mời (email hoặc thư in) của anh/chị."
)
BOUND = "Đã liên kết Telegram với phiếu khảo sát của {name}. Anh/chị sẽ nhận nhắc nhở tại đây."
REFUSED = {
    "unknown": "Mã liên kết không đúng. Vui lòng mở lại đúng đường liên kết trong thư mời.",
    "used": "Mã liên kết này đã được dùng cho một tài khoản Telegram khác.",
    "revoked": "Đường liên kết này đã được thay thế; vui lòng dùng thư mời mới nhất.",
    "submitted": "Phiếu của anh/chị đã được nộp. Cảm ơn anh/chị!",
}
NOT_BOUND = "Tài khoản Telegram này chưa liên kết với phiếu nào. Hãy mở đường liên kết Telegram trong thư mời."
ANSWER_HERE = "Trả lời tại đây"
OPEN_PAGE = "Mở phiếu trên trình duyệt"
QUESTION = "Câu {n}/{total}{unit}\n\n{text}"
ALL_ANSWERED = 'Anh/chị đã trả lời đủ {total} câu. Bấm "Nộp phiếu" để gửi; sau khi nộp không sửa được.'
SUBMIT = "Nộp phiếu"
THANKS = "Phiếu đã được ghi nhận. Cảm ơn anh/chị đã tham gia khảo sát!"
ALREADY = "Phiếu của anh/chị đã được nộp trước đó. Không cần làm gì thêm."
GONE = {
    "unknown": "Không tìm thấy phiếu khảo sát của anh/chị; vui lòng dùng đường liên kết trong thư mời mới nhất.",
    "closed": "Đợt khảo sát đã kết thúc, không thể trả lời thêm.",
    "revoked": "Đường liên kết này đã được thay thế; vui lòng dùng thư mời mới nhất.",
    "not_open": "Đợt khảo sát chưa bắt đầu. Vui lòng quay lại sau.",
}
SAVED = "Đã lưu"
ERROR = "Có lỗi xảy ra, vui lòng thử lại sau ít phút."
