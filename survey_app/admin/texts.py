"""What Home Affairs staff read in flash messages and labels of the admin pages, in one place."""

LOCKED = "Tài khoản tạm khoá do đăng nhập sai nhiều lần. Thử lại sau 15 phút hoặc nhờ quản trị viên đặt lại mật khẩu."
BAD_LOGIN = "Email hoặc mật khẩu không đúng."
SIGNED_OUT = "Đã đăng xuất khỏi mọi thiết bị đang dùng tài khoản này."
REMIND_FAILED = "Không gửi được lời nhắc: {error}"
REMIND_QUEUED = "Đã xếp hàng lời nhắc: {report}"
CLOSED = "Đã đóng đợt khảo sát. {report}"
EXCLUDED = "Đã loại phiếu khỏi kết quả."
RESTORED = "Đã khôi phục phiếu."
USER_CREATED = "Đã tạo tài khoản {email}."
PASSWORD_RESET = "Mật khẩu mới của {email}: {password} (chỉ hiện một lần)."  # noqa: S105 (a message, not a password)
SAMPLE = {"met": "✓ Đạt", "at_risk": "! Có nguy cơ", "not_met": "✗ Chưa đạt"}
