"""What Home Affairs staff read in flash messages and labels of the admin pages, in one place.
(Refusals of the services come from the shared catalogue, `survey_app.texts`.)"""

from ..texts.survey import COLUMNS

BAD_LOGIN = "Email hoặc mật khẩu không đúng."
SIGNED_OUT = "Đã đăng xuất khỏi mọi thiết bị đang dùng tài khoản này."
REMIND_QUEUED = "Đã xếp hàng {queued} lời nhắc; {skipped} người được bỏ qua."
CLOSED = (
    "Đã đóng đợt khảo sát và kiểm tra {checked} phiếu: {invalid} không hợp lệ, {flagged} phiếu có cảnh báo cần xem "
    "lại, {unit_flags} cảnh báo theo đơn vị."
)
EXCLUDED = "Đã loại phiếu khỏi kết quả."
RESTORED = "Đã khôi phục phiếu."
# The review page (admin/review.py): many responses at once, and the warnings' short names for its counts.
REVIEW_EXCLUDED = "Đã loại {count} phiếu khỏi kết quả."
REVIEW_RESTORED = "Đã khôi phục {count} phiếu: các phiếu này được tính lại vào kết quả."
REVIEW_FLAGS = {"too_fast": "Trả lời quá nhanh", "straight_lining": "Mọi câu cùng một phương án"}
# The close confirmation page (campaign_close.html): the short name of each reason a response becomes
# invalid, each warning and each unit warning (services/survey/closing.py: INVALID_CODES, FLAG_CODES…).
CLOSE_REASONS = {
    "invalid": {
        "incomplete": "chưa đủ câu",
        "outside_window": "nộp ngoài thời gian khảo sát",
        "rates_forbidden_unit": "đánh giá đơn vị mà nhóm không được đánh giá",
    },
    "flag": {"straight_lining": "mọi câu cùng một phương án", "too_fast": "trả lời quá nhanh"},
    "unit_flag": {
        "straight_lining": "nửa số phiếu chọn một phương án cho mọi câu",
        "uniform_top": "gần hết câu trả lời là phương án cao nhất",
    },
}
USER_CREATED = "Đã tạo tài khoản {email}."
PASSWORD_RESET = "Mật khẩu mới của {email}: {password} (chỉ hiện một lần)."  # noqa: S105 (a message, not a password)

# The roster pages (admin/roster.py)
CHOOSE_ROSTER_FILE = "Chọn loại danh sách và một tệp .csv hoặc .xlsx."
UPLOAD_TOO_LARGE = "Tệp quá lớn (tối đa {megabytes:.1g} MB)."
PREVIEW_GONE = "Tệp đã xem trước không còn trên máy chủ; hãy tải lên lại."
ROSTER_KINDS = {"respondents": "Danh sách cán bộ", "units": "Danh sách đơn vị"}
CHANGE_KINDS = {
    "new": "Mới",
    "updated": "Cập nhật",
    "moved": "Chuyển đơn vị hoặc nhóm",
    "restored": "Đưa trở lại danh sách",
    "unchanged": "Không đổi",
}
# The fields of a change, as the preview names them (units and groups by code).
CHANGE_FIELDS = COLUMNS | {"unit_id": COLUMNS["unit_code"], "group_id": COLUMNS["group_code"]}
IMPORTED_UNITS = "Đã nhập danh sách đơn vị: {created} mới, {updated} cập nhật, {unchanged} không đổi."
IMPORTED_PEOPLE = (
    "Đã nhập danh sách cán bộ: {created} mới, {updated} cập nhật (trong đó {moved} chuyển đơn vị hoặc nhóm, "
    "{restored} đưa trở lại), {unchanged} không đổi."
)
MESSAGES_CANCELLED = "{count} tin đang chờ gửi đã huỷ vì thông tin người nhận thay đổi: hãy gửi lại cho họ."
PERSON_ADDED = "Đã thêm {name} vào danh sách."
PERSON_RESTORED = "Đã đưa {name} trở lại danh sách."
PERSON_CORRECTED = "Đã lưu thông tin của {name}."
PERSON_MOVED = "Đã chuyển {name} sang đơn vị hoặc nhóm mới; số liệu tiến độ đã được tính lại."
PERSON_REMOVED = "Đã rút {name} khỏi danh sách."
PERSON_LINK_REVOKED = "Đường liên kết của người này không dùng được nữa."
CONFIRM_REMOVE = "Đánh dấu ô xác nhận để rút người này khỏi danh sách."
LINK_REISSUED = "Đã cấp đường liên kết mới cho {name}; đường liên kết cũ không dùng được nữa. Hãy gửi lại cho họ."
LINK_ISSUED = "Đã cấp {issued} đường liên kết; {already} người đã có đường liên kết."
LINK_STATE = {
    None: "chưa có đường liên kết",
    "removed": "đã rút khỏi danh sách",
}
TEMPLATE_NAMES = {"respondents": "mau-danh-sach-can-bo.xlsx", "units": "mau-danh-sach-don-vi.xlsx"}
TEMPLATE_SHEET = "Danh sách"
TEMPLATE_LISTS_SHEET = "Danh mục"
TEMPLATE_HELP_SHEET = "Hướng dẫn"
TEMPLATE_LISTS_HEADER = ("Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "", "Mã nhóm", "Tên nhóm", "Nhóm của loại đơn vị")
TEMPLATE_SAMPLE_PERSON = ("Nguyễn Văn A", "Chuyên viên", "nguyen.van.a@vi-du.test", "0912345678")
TEMPLATE_HELP = {
    "respondents": (
        "Mỗi dòng là một cán bộ, bắt đầu từ dòng 2; dòng 1 là tiêu đề, giữ nguyên.",
        "Dòng 2 là dòng mẫu (chữ nghiêng): xoá đi trước khi tải lên. Địa chỉ email mẫu không hợp lệ, nên nếu "
        "quên xoá, trang nhập sẽ báo lỗi ở dòng 2 và chưa nhập gì.",
        "Mã đơn vị và Mã nhóm: chọn trong danh sách thả xuống (xem trang «Danh mục»); nhóm phải đúng loại đơn vị.",
        "Mỗi người cần có Email hoặc Số điện thoại (số Việt Nam, ví dụ 0912 345 678).",
        "Zalo (Zalo ID) và Telegram (tên người dùng, 5–32 ký tự) không bắt buộc.",
        "Tải lên lại cùng tệp không thay đổi gì; người đã có (theo email, hoặc số điện thoại khi không có email) "
        "được cập nhật theo tệp mới. Người không có trong tệp mới không bị xoá.",
    ),
    "units": (
        "Mỗi dòng là một đơn vị, bắt đầu từ dòng 2; dòng 1 là tiêu đề, giữ nguyên.",
        "Dòng 2 là dòng mẫu (chữ nghiêng), lấy từ một đơn vị đã có: giữ lại cũng không thay đổi gì.",
        "Loại đơn vị: chọn trong danh sách thả xuống (xem trang «Danh mục»).",
        "Đơn vị đã có (theo mã) được cập nhật tên và loại; không đổi được loại của đơn vị đã có cán bộ.",
    ),
}
VALIDATION_TITLE = "Giá trị không có trong danh mục"
VALIDATION_ERROR = "Chọn một mã trong danh sách thả xuống (trang «Danh mục»)."

# The sending pages (admin/sending.py)
SCOPES = {
    "all": "Mọi người chưa nộp phiếu: thư mời lần đầu",
    "unit": "Một đơn vị: thư mời lần đầu",
    "remind": "Người chưa trả lời: lời nhắc",
}
CHOOSE_SCOPE = "Chọn kênh gửi và phạm vi (mọi người, một đơn vị, hoặc người chưa trả lời)."
CHOOSE_UNIT = "Chọn đơn vị cần gửi."
QUEUED = "Đã xếp hàng {queued} tin; {already} tin đã có từ trước nên không gửi lại."
SKIPPED = "Bỏ qua {count} người: {reasons}."
NOTHING_QUEUED = "Không có tin mới nào để gửi."
STALLED = (
    "Không thấy tiến trình gửi tin nào đang chạy: {waiting} tin qua {channel} đã đến giờ gửi từ {since} mà chưa đi. "
    "Trên máy chủ, chạy lệnh «flask worker» (cùng thư mục và cấu hình với ứng dụng) để gửi."
)
LINKS_CONFIRM = "Đánh dấu ô xác nhận đã đọc lưu ý trước khi tải tệp đường liên kết."
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
REMIND_UNITS_QUEUED = (
    "Đã xếp hàng {queued} lời nhắc cho người chưa nộp phiếu của {units}; {skipped} người được bỏ qua{reasons}."
)
SKIP_REASONS = " ({reasons})"
SKIP_REASON = "{reason}: {count}"
REMIND_NO_UNITS = "Không có đơn vị nào để nhắc: hãy chọn lại từ trang theo dõi."
