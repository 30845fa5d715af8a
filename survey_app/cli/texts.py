"""Everything the `flask …` commands print and their help, in Vietnamese (for a province's IT staff).

Service refusals come from the shared catalogue (`survey_app.texts`); what is here is the commands' own
help and report lines.
"""

from ..texts.index import IMPORTED  # noqa: F401  (an import's report: the page says the same)

GROUP_HELP = {
    "campaign": "Tạo, mở, đóng đợt khảo sát và xem tình hình.",
    "pack": "Bộ câu hỏi (YAML).",
    "units": "Nhập danh sách đơn vị của đợt khảo sát.",
    "respondents": "Nhập danh sách cán bộ được khảo sát.",
    "invitations": "Cấp, xuất, gửi và in đường liên kết cá nhân; nhắc người chưa trả lời.",
    "responses": "Xem lại phiếu sau khi đóng đợt: loại hoặc khôi phục phiếu.",
    "tallies": "Bộ đếm trực tiếp.",
    "users": "Tài khoản cán bộ Sở Nội vụ.",
    "bot": "Bot Telegram (tuỳ chọn).",
    "appraisal": "Điểm thẩm định (tự đánh giá và thẩm định).",
    "satisfaction": "Điểm hài lòng của người dân.",
    "lastyear": "Kết quả năm trước, để so sánh.",
    "index": "Chỉ số CCHC: bảng chỉ số, biểu đồ, thống kê, điền vào bảng có sẵn.",
    "report": "Dự thảo báo cáo (DOCX).",
}
OPTION_HELP = {
    "pdf": "Ghi thêm bản PDF bên cạnh (LibreOffice); mặc định: có nếu máy đã cài LibreOffice.",
    "campaign": "Mã đợt khảo sát (mặc định: đợt mới nhất).",
    "date": "YYYY-MM-DD [HH:MM], giờ Việt Nam; chỉ có ngày thì mở lúc 00:00, đóng lúc 23:59.",
    "unit": "Chỉ cán bộ của đơn vị có mã này.",
    "group": "Chỉ cán bộ của nhóm có mã này.",
    "reissue": "Thu hồi đường liên kết của người này (email hoặc số điện thoại) và cấp đường liên kết mới.",
    "queue_only": "Chỉ xếp hàng; tiến trình `flask worker` đang chạy sẽ gửi.",
    "channel_all": "Mặc định: mọi kênh đã cấu hình.",
    "min_days": "Số ngày tối thiểu kể từ tin gần nhất (mặc định REMINDER_MIN_DAYS).",
    "max": "Nhắc mỗi người tối đa bấy nhiêu lần (mặc định: max_reminders của bộ câu hỏi).",
    "only": "Chỉ các kênh này.",
    "drain": "Thoát khi không còn tin đến hạn (và không tiến trình nào khác đang giữ tin).",
    "password": "Mật khẩu (bỏ trống để được hỏi hai lần, không hiện trên màn hình; hoặc đặt FLASK_USERS_CREATE_PASSWORD).",
    "role": "`admin` (mọi việc), `monitor` (chỉ xem), `unit` (đầu mối: chỉ đơn vị mình).",
    "unit_code": "Mã đơn vị của tài khoản đầu mối (vai trò `unit`).",
    "reason": "Lý do loại phiếu (ghi vào nhật ký).",
    "restore_reason": "Lý do khôi phục (ghi vào nhật ký; bắt buộc khi dùng `--from-file`).",
    "ids_file": "Tệp văn bản, mỗi dòng một mã phiếu: loại hoặc khôi phục tất cả cùng lúc, có lỗi thì không đổi gì.",
    "respondents": "Số cán bộ mô phỏng.",
    "answered": "Tỷ lệ cán bộ mô phỏng đã nộp phiếu.",
    "workbook": "Tệp Excel có sẵn cần điền.",
    "sheet": "Tên trang tính.",
    "unit_column": "Cột chứa mã hoặc tên đơn vị, ví dụ C.",
    "column": "TRƯỜNG=CỘT, ví dụ survey=H; trường: survey, appraisal, satisfaction, total, rank, LV1…",
    "out_fill": "Mặc định: ghi đè lên tệp --workbook.",
    "force": "Ghi đè cả ô đã có dữ liệu.",
    "resamples": "Số lần lấy mẫu lại của bootstrap.",
    "seed": "Hạt giống ngẫu nhiên (cùng hạt giống cho cùng kết quả).",
    "once": "Chạy một lượt rồi thoát (mặc định: chạy mãi, như một dịch vụ).",
    "flush": "Đưa hết phiếu đang chờ của một đợt vào kết quả, kể cả ô chưa đủ k phiếu (đóng đợt tự làm việc này).",
}
COMMAND_HELP = {
    "pack check": "Kiểm tra một thư mục bộ câu hỏi và liệt kê cảnh báo.",
    "campaign create": "Tạo đợt khảo sát từ một bộ câu hỏi (nội dung bộ câu hỏi được lưu cùng đợt).",
    "campaign open": "Cho phép trả lời (trong khoảng thời gian mở – đóng).",
    "campaign close": "Ngừng nhận trả lời, rồi kiểm tra mọi phiếu (điều kiện hợp lệ và cảnh báo).",
    "campaign status": "Tình hình trả lời theo loại đơn vị và thời gian của đợt.",
    "units import": "Tạo hoặc cập nhật đơn vị theo mã từ CSV/XLSX (Mã đơn vị, Tên đơn vị, Loại đơn vị). Có lỗi thì không nhập gì.",
    "respondents import": "Tạo hoặc cập nhật cán bộ từ CSV/XLSX (các cột: xem README). Có lỗi thì không nhập gì.",
    "invitations issue": "Cấp cho mỗi cán bộ một đường liên kết cá nhân (đường liên kết đã có được giữ nguyên).",
    "invitations export-links": "Ghi mọi đường liên kết còn hiệu lực vào tệp CSV. Ai có tệp đều trả lời được: giữ kín.",
    "invitations send": "Xếp hàng đường liên kết của từng người trên một kênh rồi gửi. Chạy lại không gửi trùng.",
    "invitations remind": "Nhắc những người chưa nộp phiếu. Chạy lại không gửi trùng.",
    "invitations print": "Thư mời in trên giấy A4 (8 thư một trang, có đường cắt) với mã QR của từng người. Tệp nhạy cảm.",
    "invitations failures": "Các tin gửi không được hoặc bị trả lại, với lý do và kênh nên thử.",
    "invitations bounces": "Ghi nhận thư bị trả lại từ hộp thư báo lỗi đã xuất (tệp mbox hoặc thư mục .eml).",
    "worker": "Gửi các tin đang chờ: nhận, gửi, ghi kết quả; thử lại khi lỗi tạm thời. Trên PostgreSQL chạy được nhiều tiến trình.",
    "bot run": "Chạy bot Telegram (long polling; chỉ kết nối HTTPS ra ngoài; một tiến trình cho mỗi bot).",
    "tallies rebuild": "Tính lại mọi bộ đếm từ các câu trả lời và đường liên kết đã lưu.",
    "mixer": (
        "Đưa các phiếu đã nộp đang chờ vào kết quả theo từng đợt, mỗi ô (đơn vị × nhóm) ít nhất k phiếu một lần, "
        "để không ai gắn được một phiếu với người nộp. `flask worker` cũng làm việc này."
    ),
    "users create": "Tạo tài khoản: `admin` (mọi việc), `monitor` (chỉ xem), `unit` (chỉ đơn vị mình).",
    "users reset-password": "Đặt mật khẩu ngẫu nhiên mới (in ra một lần) và mở khoá tài khoản.",
    "users token": "Cấp mã API (Authorization: Bearer …) theo vai trò của tài khoản; mã cũ hết hiệu lực.",
    "responses exclude": (
        "Loại một phiếu (hoặc mọi phiếu trong tệp `--from-file`) khỏi kết quả, có lý do (ghi nhật ký; hoàn tác bằng "
        "`restore`)."
    ),
    "responses restore": "Tính lại một phiếu đã loại (hoặc mọi phiếu trong tệp `--from-file`, có lý do).",
    "demo": "Nạp đợt khảo sát mô phỏng Sơn La 2024 vào cơ sở dữ liệu trống và in cách dùng.",
    "appraisal template": "Ghi tệp Excel có đơn vị, lĩnh vực và điểm tối đa thẩm định để điền.",
    "appraisal import": "Nhập điểm thẩm định từ CSV/XLSX; có lỗi thì không nhập gì.",
    "satisfaction import": "Nhập điểm hài lòng của người dân (điểm, hoặc tỷ lệ % quy ra điểm theo bộ câu hỏi).",
    "lastyear import": "Nhập kết quả năm trước (mã, tổng điểm, xếp hạng, nhóm; «Mã năm nay» cho đơn vị đổi tên, hợp nhất).",
    "index export": "Ghi bảng chỉ số (Biểu 1, 2, 3, 4… theo loại đơn vị, chi tiết khảo sát, thông tin).",
    "index fill": "Điền điểm khảo sát (hoặc giá trị khác của chỉ số) vào một tệp Excel có sẵn, giữ nguyên phần còn lại.",
    "index charts": "Ghi biểu đồ thành một tệp HTML dùng được khi không có mạng.",
    "index stats": "Tính thống kê (bootstrap, alpha, kiểm định) từ mọi phiếu hợp lệ và lưu cùng đợt khảo sát.",
    "report draft": "Ghi dự thảo báo cáo bằng tiếng Việt (DOCX), số liệu từ bảng chỉ số.",
}

# report lines
PACK_WARNING = "cảnh báo: {issue}"
PACK_TYPE = "{code}: {questions} câu hỏi, {points} điểm điều tra XHH"
PACK_OK = "hợp lệ: {code}, sha256 {sha}"
CREATED = "Đã tạo đợt khảo sát {code} từ bộ câu hỏi {pack} (sha256 {sha}), trạng thái: chưa mở."
OPENED = "Đợt khảo sát {code} đã mở đến {closes}."
CLOSED = (
    "Đợt khảo sát {code} đã đóng; đã kiểm tra {checked} phiếu: {invalid} không hợp lệ, {flagged} phiếu có cảnh báo "
    "cần xem lại, {unit_flags} cảnh báo theo đơn vị."
)
STATUS_HEAD = "{code}: {title} [{status}] {opens} → {closes}"
STATUS_TYPE = "{name}: phát ra {invited}, đã mở {opened}, đang trả lời {started}, đã nộp {submitted} ({rate})"
STATUS_BELOW = "Số ô đơn vị × nhóm chưa đủ mẫu tối thiểu: {count}"
STATUS_CELL = "  {unit} × {group}: {valid}/{minimum} phiếu hợp lệ"
STATUS_TOTAL = "Phát ra / thu về / hợp lệ: {invited} / {submitted} / {valid}"
EXCLUDED = "Đã loại phiếu {response}."
RESTORED = "Đã khôi phục phiếu {response}."
EXCLUDED_MANY = "Đã loại {count} phiếu khỏi kết quả."
RESTORED_MANY = "Đã khôi phục {count} phiếu."
ONE_ID_OR_FILE = "Cho một mã phiếu, hoặc `--from-file` với tệp các mã phiếu (không cả hai)."
UNITS_IMPORTED = "Đơn vị: {created} mới, {updated} cập nhật, {unchanged} không đổi."
RESPONDENTS_IMPORTED = "Cán bộ: {created} mới, {updated} cập nhật, {unchanged} không đổi."
ISSUED = "Đã cấp {issued} đường liên kết; {already} người đã có đường liên kết."
REISSUED = "Đã cấp đường liên kết mới cho {person}; đường liên kết cũ không dùng được nữa."
EXPORTED = "Đã ghi {count} đường liên kết vào {out}. Tệp này nhạy cảm: ai có tệp đều trả lời được thay người khác."
PRINTED = "Đã ghi {count} thư mời vào {out}. Ai có tệp này đều trả lời được thay người khác: in xong hãy xoá tệp."
QUEUED = "Đã xếp hàng {queued} tin, {already} tin đã xếp từ trước, bỏ qua {skipped} người."
SKIPPED = "  bỏ qua: {name} ({channel}): {reason}"
SENDING = "Đang gửi"
# The progress bars of the long commands, by the phase a service reports (services/progress.py).
BARS = {
    "roster.check": "Đang kiểm tra từng dòng của tệp",
    "roster.write": "Đang ghi danh sách",
    "invitations.issue": "Đang cấp đường liên kết",
    "demo.answers": "Đang tạo câu trả lời mô phỏng",
    "close.release": "Đang đưa phiếu chờ vào kết quả và xáo lại thứ tự",
    "close.check": "Đang kiểm tra từng phiếu",
    "close.compact": "Đang dọn tệp cơ sở dữ liệu",
    "index.build": "Đang tính chỉ số",
    "index.workbook": "Đang ghi bảng chỉ số",
    "index.statistics": "Đang tính thống kê",
}
PROGRESS = "đã gửi {sent}, lỗi {failed}, huỷ {cancelled}, đang chờ {waiting}"
WAITING = "{count} tin chờ thử lại: hãy để `flask worker` chạy."
FAILURE = "{unit}\t{name}\t{channel}\t{kind}\t{status}\t{reason}\t→ thử: {instead}"
FAILURES = "{count} tin lỗi."
BOUNCES = "Đã ghi {recorded} thư bị trả lại; bỏ qua {ignored} thư (không phải thư báo lỗi của hệ thống)."
HANDLED = "Đã xử lý {count} tin."
TALLIES_REBUILT = "Đã tính lại bộ đếm của đợt {code}."
MIXED = "Đã đưa {released} phiếu vào kết quả; còn {waiting} phiếu chờ."
MIXED_ALL = "Đã đưa {released} phiếu vào kết quả."
USER_CREATED = "Đã tạo tài khoản {email} ({role}{unit})."
NEW_PASSWORD = "Mật khẩu mới của {email}: {password}"  # noqa: S105 (a message, not a password)
DEMO_LOADED = "Đã nạp đợt khảo sát mô phỏng 2024 (số liệu mô phỏng)."
DEMO_REFUSED = "Cơ sở dữ liệu đã có đợt khảo sát khác: không nạp dữ liệu mô phỏng."
DEMO_ADMIN = "Quản trị: {email} / {password}  (tài khoản mô phỏng; /admin/)"
DEMO_LINKS = "Đường liên kết của người trả lời:"
BAD_DATE = "«{value}» không phải ngày giờ: viết YYYY-MM-DD hoặc YYYY-MM-DD HH:MM (giờ Việt Nam)."
BAD_COLUMN = "{item!r}: viết TRƯỜNG=CỘT, ví dụ survey=H"
FORM_WRITTEN = "Đã ghi {count} dòng (đơn vị × lĩnh vực) vào {out}."
INDEX_WRITTEN = "{count} đơn vị; đã ghi bảng chỉ số vào {out}."
MISSING = "cảnh báo: chưa có {source} của {units}"
UNMATCHED = "dòng {row} không khớp đơn vị nào: {text!r}"
NOT_FOUND_ROW = "không tìm thấy dòng của đơn vị {unit}"
FILL_WITHHELD = "để trống {unit}: không đủ mẫu ({responses}/{k} phiếu hợp lệ)"
FILL_REFUSED = "{count} ô đã có dữ liệu ({cells}); không ghi gì. Dùng --force để ghi đè."
FILLED = "Đã ghi {count} ô vào {out} ({matched} dòng khớp đơn vị)."
CHARTS_WRITTEN = "Đã ghi biểu đồ vào {out}."
REPORT_WRITTEN = "Đã ghi dự thảo báo cáo vào {out}."
PDF_WRITTEN = "Đã ghi bản PDF vào {out}."
STATS_DONE = "Đã tính thống kê từ {responses} phiếu hợp lệ ({resamples} lần lấy mẫu lại) lúc {at}."

USER_CREATE_PROMPT = "Mật khẩu"  # the prompt of `users create`
