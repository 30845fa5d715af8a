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
REMIND_UNITS_QUEUED = (
    "Đã xếp hàng {queued} lời nhắc cho người chưa nộp phiếu của {units}; {skipped} người được bỏ qua{reasons}."
)
SKIP_REASONS = " ({reasons})"
SKIP_REASON = "{reason}: {count}"
REMIND_NO_UNITS = "Không có đơn vị nào để nhắc: hãy chọn lại từ trang theo dõi."
