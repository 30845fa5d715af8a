"""Campaigns, rosters, links, closing and review: what the survey wing's codes say."""

CODES = {
    "refused": "Không thực hiện được yêu cầu.",
    "not_found": "Không tìm thấy.",
    "no_campaign": "Chưa có đợt khảo sát nào: hãy tạo một đợt khảo sát trước.",
    "campaign_not_found": "Không có đợt khảo sát mã {code}.",
    "closes_before_opens": "Thời điểm đóng ({closes}) phải sau thời điểm mở ({opens}).",
    "campaign_exists": "Đã có đợt khảo sát mã {code}; hãy chọn mã khác.",
    "campaign_closed": "Đợt khảo sát {code} đã đóng; một đợt đã đóng không mở lại được.",
    "bad_campaign_code": "Mã đợt khảo sát «{code}» chỉ được gồm chữ không dấu, số, '-' hoặc '_' (1–40 ký tự), ví dụ 2025.",
    "title_too_long": "Tên đợt khảo sát dài {length} ký tự; tối đa {maximum} ký tự.",
    "deadline_in_past": "Thời điểm đóng mới ({closes}) đã qua; hãy chọn một thời điểm sau bây giờ.",
    "pack_not_found": "Không có bộ câu hỏi «{name}» trong các bộ có sẵn.",
    # imports (a row and a column are named by the interface: "dòng 5, cột Email: …")
    "import_rejected": "Tệp có {count} lỗi; chưa nhập gì. Sửa các dòng dưới đây rồi tải lên lại.",
    "file_type": "chỉ đọc được tệp .csv hoặc .xlsx (tệp đã chọn: {value})",
    "file_empty": "tệp trống",
    "column_missing": "thiếu cột bắt buộc này ở dòng tiêu đề",
    "csv_not_utf8": "tệp CSV không phải mã UTF-8; trong Excel hãy lưu dạng «CSV UTF-8 (phân cách bằng dấu phẩy)»",
    "csv_unreadable": "không đọc được tệp CSV: có ô dài quá {limit} ký tự hoặc dấu ngoặc kép không khớp",
    "control_character": "có ký tự điều khiển không in được ({char}); hãy xoá ký tự đó trong tệp",
    "too_long": "dài {length} ký tự, tối đa {limit} ký tự",
    "workbook_unreadable": "không đọc được tệp Excel (tệp hỏng hoặc không phải .xlsx: {value})",
    "required": "bắt buộc, đang để trống",
    "duplicate_unit": "mã đơn vị {value} bị trùng (đã có ở dòng {first_row})",
    "unknown_unit_type": "loại đơn vị «{value}» không có trong bộ câu hỏi (các loại: {known})",
    "unit_type_locked": "không đổi được loại của đơn vị đã có cán bộ trong danh sách",
    "unknown_unit": "không có đơn vị mã «{value}» trong đợt khảo sát",
    "unknown_group": "không có nhóm đối tượng mã «{value}» (các nhóm: {known})",
    "group_of_other_type": "nhóm {value} dành cho đơn vị loại «{group_type}», nhưng {unit} thuộc loại «{unit_type}»",
    "invalid_email": "địa chỉ email không hợp lệ ({value})",
    "invalid_phone": "số điện thoại Việt Nam không hợp lệ ({value})",
    "email_or_phone": "mỗi người cần có email hoặc số điện thoại",
    "invalid_zalo_id": "Zalo ID chỉ gồm chữ, số, '-' hoặc '_', tối đa 64 ký tự ({value})",
    "invalid_telegram": "tên Telegram gồm 5–32 chữ, số hoặc '_', bắt đầu bằng chữ ({value})",
    "duplicate_person": "trùng người: {value} đã có ở dòng {first_row}",
    "person_on_list": "trùng người: {value} đã thuộc về {other} trong danh sách",
    "moved_after_submit": "người này đã nộp phiếu nên không đổi được đơn vị và nhóm",
    "roster_changed_since_preview": (
        "Danh sách đã thay đổi kể từ lúc xem trước (có thể do người khác vừa sửa hoặc nhập): chưa nhập gì. "
        "Hãy xem lại bản xem trước mới rồi xác nhận."
    ),
    # one person on the roster pages
    "person_invalid": "Chưa lưu: {count} ô cần sửa (xem bên dưới).",
    "person_exists": "{value} đã có trong danh sách",
    "person_submitted": "{person} đã nộp phiếu: không sửa, chuyển đơn vị hay rút khỏi danh sách được nữa.",
    "person_removed": "{person} đã được rút khỏi danh sách; hãy đưa trở lại danh sách trước khi sửa.",
    "respondent_not_found": "Không có người số {respondent} trong danh sách của đợt khảo sát này.",
    # personal links
    "unknown_link": "Đường liên kết không đúng.",
    "no_live_invitation": "{person} không có đường liên kết còn hiệu lực trong đợt {campaign}.",
    "phone_shared": "{count} người có cùng số điện thoại {phone}; hãy dùng địa chỉ email của người cần cấp lại.",
    "reissue_after_submit": "{person} đã nộp phiếu; cấp đường liên kết mới sẽ cho phép nộp lần thứ hai.",
    # review at close
    "exclusion_needs_reason": "Loại phiếu cần ghi lý do.",
    "response_not_found": "Không có phiếu {response}.",
    "response_not_valid": "Phiếu {response} đang ở trạng thái «{status:response_status}», không loại được nữa.",
    "response_not_excluded": "Phiếu {response} không ở trạng thái đã loại (đang «{status:response_status}»).",
    "invalid.rates_forbidden_unit": "đánh giá đơn vị mà nhóm không được đánh giá",
    "invalid.incomplete": "chưa đủ câu: {answers}/{expected} câu trả lời",
    "invalid.outside_window": "nộp ngày {day:date}, ngoài thời gian khảo sát",
    "flag.straight_lining": "Cả {answers} câu trả lời cùng một phương án",
    "flag.too_fast": "Trả lời quá nhanh: khoảng {seconds} giây, tối thiểu {minimum} giây",
    "unit_flag.straight_lining": "{straight}/{responses} phiếu chọn một phương án cho mọi câu",
    "unit_flag.uniform_top": "{percent}% trong {answers} câu trả lời là phương án cao nhất",
    # the review page: filters and bulk exclude / restore (services/survey/review.py, review_list.py)
    "review_unknown_unit": "Không có đơn vị mã «{value}» trong đợt khảo sát này.",
    "review_unknown_group": "Không có nhóm đối tượng mã «{value}» trong đợt khảo sát này.",
    "review_unknown_flag": "Không có loại cảnh báo «{value}».",
    "review_unknown_status": "Không có trạng thái phiếu «{value}».",
    "review_not_closed": (
        "Đợt khảo sát {code} chưa đóng: cảnh báo chỉ có sau khi đóng, nên chưa loại hay khôi phục phiếu được."
    ),
    "restoring_needs_reason": "Khôi phục phiếu cần ghi lý do.",
    "review_reason_too_long": "Lý do dài quá {limit} ký tự.",
    "review_nothing_selected": "Chưa chọn phiếu nào.",
    "review_nothing_to_exclude": "Không có phiếu hợp lệ nào khớp bộ lọc để loại.",
    "review_nothing_to_restore": "Không có phiếu đã loại nào khớp bộ lọc để khôi phục.",
    "review_selection_changed": (
        "Số phiếu khớp bộ lọc đã thay đổi từ lúc xác nhận ({expected} → {count} phiếu); chưa thay đổi phiếu nào, "
        "hãy xem lại và xác nhận lại."
    ),
    "responses_not_in_campaign": "{count} phiếu không thuộc đợt khảo sát {code}: {ids}. Chưa thay đổi phiếu nào.",
    "responses_already_excluded": "{count} phiếu đã chọn đã bị loại từ trước: {ids}. Chưa thay đổi phiếu nào.",
    "responses_invalid": (
        "{count} phiếu đã chọn không hợp lệ (đã ra khỏi kết quả khi đóng), không loại được: {ids}. "
        "Chưa thay đổi phiếu nào."
    ),
    "responses_not_excluded": "{count} phiếu đã chọn không ở trạng thái đã loại: {ids}. Chưa thay đổi phiếu nào.",
}

# Vietnamese headers of the roster files' fields (when the file did not name the column itself).
COLUMNS = {
    "code": "Mã đơn vị",
    "name": "Tên đơn vị",
    "unit_type": "Loại đơn vị",
    "unit_code": "Mã đơn vị",
    "group_code": "Mã nhóm",
    "full_name": "Họ và tên",
    "position": "Chức vụ",
    "email": "Email",
    "phone": "Số điện thoại",
    "zalo_id": "Zalo",
    "telegram_username": "Telegram",
}

STATUS = {
    "campaign": {"draft": "chưa mở", "open": "đang mở", "closed": "đã đóng"},
    "invitation": {"issued": "chưa mở", "opened": "đã mở", "started": "đang trả lời", "submitted": "đã nộp"},
    "response": {"valid": "hợp lệ", "excluded": "đã loại", "invalid": "không hợp lệ"},
    "role": {"admin": "quản trị", "monitor": "theo dõi", "unit": "đầu mối đơn vị"},
    "sample": {"met": "✓ Đạt", "at_risk": "! Có nguy cơ", "not_met": "✗ Chưa đạt", "n/a": "–"},
}
