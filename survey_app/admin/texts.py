"""What Home Affairs staff read in flash messages and labels of the admin pages, in one place.
(Refusals of the services come from the shared catalogue, `survey_app.texts`.)"""

BAD_LOGIN = "Email hoặc mật khẩu không đúng."
SIGNED_OUT = "Đã đăng xuất khỏi mọi thiết bị đang dùng tài khoản này."
REMIND_QUEUED = "Đã xếp hàng {queued} lời nhắc; {skipped} người được bỏ qua."
CLOSED = (
    "Đã đóng đợt khảo sát và kiểm tra {checked} phiếu: {invalid} không hợp lệ, {flagged} phiếu có cảnh báo cần xem "
    "lại, {unit_flags} cảnh báo theo đơn vị."
)
EXCLUDED = "Đã loại phiếu khỏi kết quả."
RESTORED = "Đã khôi phục phiếu."
USER_CREATED = "Đã tạo tài khoản {email}."
PASSWORD_RESET = "Mật khẩu mới của {email}: {password} (chỉ hiện một lần)."  # noqa: S105 (a message, not a password)
# Campaign pages
THE_FILE = "tệp tải lên"
CHECK_AGAIN = (
    "Bộ câu hỏi đã kiểm tra không còn (quá một ngày, hoặc đã dùng để tạo đợt khảo sát); hãy chọn và kiểm tra lại."
)
CREATED = "Đã tạo đợt khảo sát {code} ({units} đơn vị từ bộ câu hỏi). Bước tiếp theo: nhập danh sách cán bộ."
OPENED = "Đã mở đợt khảo sát {code}; người trả lời được trả lời đến {closes}."
EXTENDED = "Đợt khảo sát {code} nay đóng lúc {closes}."
BAD_TIME = (
    "«{value}» không phải ngày giờ hợp lệ: chọn ngày, và giờ nếu cần (để trống giờ: mở lúc 00:00, đóng lúc 23:59)."
)
