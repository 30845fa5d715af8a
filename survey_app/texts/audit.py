"""The audit log in words: each action's name and what its fields say."""

ACTIONS = {
    "campaign.create": ("Tạo đợt khảo sát", "từ bộ câu hỏi {pack} (sha256 {sha256})"),
    "campaign.open": ("Mở đợt khảo sát", ""),
    "campaign.extend": (
        "Đổi thời điểm đóng",
        "đóng lúc {hour} ngày {day:date} (trước đó: {old_hour} ngày {old_day:date})",
    ),
    "pack.upload": ("Tải lên bộ câu hỏi", "tệp {file} ({kind}, sha256 {sha256})"),
    "campaign.close": ("Đóng đợt khảo sát", "{invalid} phiếu không hợp lệ, {flagged} phiếu có cảnh báo"),
    "units.import": ("Nhập danh sách đơn vị", "{created} mới, {updated} cập nhật"),
    "respondents.import": ("Nhập danh sách cán bộ", "{created} mới, {updated} cập nhật"),
    "invitations.issue": ("Cấp đường liên kết", "{issued} đường liên kết"),
    "invitations.reissue": ("Cấp lại đường liên kết", "đường liên kết mới số {new}"),
    "invitations.export_links": ("Xuất tệp đường liên kết", "{links} đường liên kết"),
    "response.exclude": ("Loại phiếu", "lý do: {reason}"),
    "response.restore": ("Khôi phục phiếu", ""),
    "user.create": ("Tạo tài khoản", "vai trò {role:role_status}"),
    "user.locked": ("Khoá tài khoản", "sau {failures} lần đăng nhập sai"),
    "user.reset_password": ("Đặt lại mật khẩu", ""),
    "user.api_token": ("Cấp mã API", ""),
    "appraisal.import": ("Nhập điểm thẩm định", "{rows} dòng, {units} đơn vị"),
    "satisfaction.import": ("Nhập điểm hài lòng", "{units} đơn vị"),
    "last_year.import": ("Nhập kết quả năm trước", "{rows} đơn vị"),
    "index.statistics": ("Tính thống kê chỉ số", "{responses} phiếu, {resamples} lần lấy mẫu lại"),
}
