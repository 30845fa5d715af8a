"""Staff accounts: what the users service's codes say."""

CODES = {
    "account_locked": (
        "Tài khoản tạm khoá do đăng nhập sai nhiều lần. Thử lại sau 15 phút hoặc nhờ quản trị viên đặt lại mật khẩu."
    ),
    "user_not_found": "Không có tài khoản {email}.",
    "unknown_role": "Không có vai trò «{role}»; các vai trò: {roles}.",
    "unit_role_needs_unit": "Tài khoản đầu mối đơn vị cần mã đơn vị.",
    "unknown_unit_code": "Không có đơn vị mã «{unit}» trong đợt khảo sát nào.",
    "unit_code_for_other_role": "Chỉ tài khoản đầu mối đơn vị mới có mã đơn vị.",
    "password_too_short": "Mật khẩu cần ít nhất {minimum} ký tự.",
    "user_exists": "Đã có tài khoản {email}.",
    "unauthorized": "Cần đăng nhập hoặc gửi mã API (Authorization: Bearer …).",
    "login_required": "Vui lòng đăng nhập.",
}
