"""What a request that cannot be served says: the error pages (and the JSON `message`s under /api/)
of every status, and the refusals of a bad request body."""

CODES = {
    # error pages: a title, then what to do
    "http.400": "Yêu cầu không hợp lệ.",
    "http.400.text": "Dữ liệu gửi lên không đúng dạng. Vui lòng quay lại trang trước và thử lại.",
    "http.csrf": "Biểu mẫu đã hết hạn.",
    "http.csrf.text": "Trang đã mở quá lâu hoặc phiên làm việc đã kết thúc. Vui lòng tải lại trang rồi gửi lại.",
    "http.csrf.reason": "Lý do: {reason}.",
    "http.bad_characters": "Dữ liệu gửi lên có ký tự không hợp lệ (ký tự NUL).",
    "http.403": "Không có quyền truy cập.",
    "http.403.text": "Tài khoản của anh/chị không được phép xem hoặc thực hiện việc này.",
    "http.404": "Không tìm thấy trang.",
    "http.404.text": "Địa chỉ không đúng hoặc nội dung không còn nữa. Vui lòng kiểm tra lại đường dẫn.",
    "http.405": "Không thực hiện được thao tác này trên trang này.",
    "http.405.text": "Vui lòng quay lại trang trước và dùng đúng nút bấm trên trang.",
    "http.413": "Dữ liệu gửi lên quá lớn.",
    "http.413.text": "Giới hạn là {limit} byte. Với tệp nhập số liệu, hãy chia nhỏ tệp hoặc bỏ các trang tính không cần.",
    "http.415": "Định dạng dữ liệu không được hỗ trợ.",
    "http.415.text": "Vui lòng gửi dữ liệu đúng định dạng mà trang yêu cầu.",
    "http.429": "Có quá nhiều yêu cầu từ địa chỉ mạng này.",
    "http.429.text": "Vui lòng thử lại sau {seconds} giây (lúc {at}).",
    "http.500": "Hệ thống gặp lỗi.",
    "http.500.text": "Yêu cầu chưa thực hiện được. Vui lòng thử lại sau ít phút; nếu vẫn lỗi, hãy báo bộ phận kỹ thuật của Sở Nội vụ.",
    "http.503": "Hệ thống tạm thời chưa ghi được dữ liệu.",
    "http.503.text": (
        "Cơ sở dữ liệu hoặc ổ đĩa của máy chủ đang gặp sự cố, nên yêu cầu này chưa được ghi nhận. "
        "Vui lòng thử lại sau khoảng {seconds} giây."
    ),
    "http.503.respondent": (
        "Các câu đã chọn chưa mất: trên trang có chạy tự động lưu, chúng được giữ trên máy và sẽ được gửi lại; "
        "nếu không, hãy bấm quay lại trang trước rồi bấm lưu hoặc nộp lại sau ít phút."
    ),
    "http.other": "Không thực hiện được yêu cầu (mã {status}).",
    "http.other.text": "Vui lòng quay lại trang trước và thử lại.",
    # a bad body sent to the respondent API (400): nothing was read, nothing saved
    "body_missing": "Thiếu dữ liệu gửi lên: cần một đối tượng JSON có trường `answers`.",
    "body_not_utf8": "Dữ liệu gửi lên không phải văn bản UTF-8.",
    "body_not_json": "Dữ liệu gửi lên không phải JSON hợp lệ.",
    "body_too_deep": "Dữ liệu gửi lên lồng nhau quá {limit} tầng; phiếu trả lời chỉ có dạng đơn vị → câu hỏi → phương án.",
    "body_not_object": "Dữ liệu gửi lên phải là một đối tượng JSON có trường `answers`.",
    "answers_missing": "Thiếu trường `answers` trong dữ liệu gửi lên.",
}

# Flask-WTF's reasons for refusing a form (its English descriptions), as a person reads them.
CSRF_REASONS = {
    "The CSRF token is missing.": "biểu mẫu thiếu mã bảo vệ",
    "The CSRF session token is missing.": "phiên làm việc đã hết hoặc trình duyệt chặn cookie",
    "The CSRF token has expired.": "mã bảo vệ của biểu mẫu đã hết hạn",
    "The CSRF token is invalid.": "mã bảo vệ của biểu mẫu không hợp lệ",
    "The CSRF tokens do not match.": "mã bảo vệ không khớp với phiên làm việc (trang được mở trong phiên khác)",
    "The referrer header is missing.": "trình duyệt không gửi địa chỉ trang nguồn (Referer), điều bắt buộc khi dùng HTTPS",
    "The referrer does not match the host.": "biểu mẫu được gửi từ một trang không thuộc trang khảo sát này",
}
