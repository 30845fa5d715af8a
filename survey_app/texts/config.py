"""Why the application refuses to start (`config.ConfigError`), for the IT staff who set it up: each
text names the setting. Values to type (commands, examples) are given as text, not as numbers, so no
thousands separator slips into them."""

_HOW = "; tạo giá trị mới bằng lệnh {command} rồi đặt vào biến môi trường hoặc tệp .env (xem .env.example)"
_URL = "DATABASE_URL phải có dạng `sqlite:///instance/survey.sqlite3` hoặc `postgresql+psycopg://user:password@host:5432/db`"

CODES = {
    "config.secret_missing": "{setting} chưa được đặt" + _HOW,
    "config.secret_placeholder": "{setting} vẫn là giá trị mẫu của .env.example" + _HOW,
    "config.secret_short": "{setting} ngắn hơn {minimum} ký tự" + _HOW,
    "config.secret_few_distinct": "{setting} có quá ít ký tự khác nhau ({distinct}, cần ít nhất {minimum})" + _HOW,
    "config.secret_guessable": ("{setting} dễ đoán (khoảng {bits} bit ngẫu nhiên, cần ít nhất {minimum})" + _HOW),
    "config.secrets_equal": "LINK_SECRET phải khác SECRET_KEY; tạo một giá trị khác bằng lệnh {command}",
    "config.byte_count": (
        "{setting} phải là một số byte, ít nhất 1024 (ví dụ {example} cho 20 MB), không phải «{value}»"
    ),
    "config.proxy_hops": (
        "TRUSTED_PROXIES phải là số proxy ngược đứng trước ứng dụng, từ 0 đến {maximum} (0, mặc định, khi máy "
        "trả lời kết nối thẳng; 1 khi đứng sau một nginx), không phải «{value}»"
    ),
    "config.not_a_number": "{setting} phải là một số, không phải «{value}»",
    "config.database_url_unparsed": _URL + "; giá trị hiện tại không đọc được như một địa chỉ URL",
    "config.database_url_backend": _URL + ", không phải «{backend}»",
    "config.database_url_driver": _URL
    + ": trình điều khiển là `psycopg` (`postgresql+psycopg://`), không phải «{driver}»",
    "config.smtp_tls": "SMTP_TLS phải là `starttls`, `ssl` hoặc `none`, không phải «{value}»",
    "config.telegram_username": "Cần đặt TELEGRAM_BOT_USERNAME khi có TELEGRAM_BOT_TOKEN (để tạo đường liên kết vào bot)",
    "config.zalo_hours": "ZALO_ALLOWED_HOURS phải có dạng `6-22` (giờ Việt Nam), không phải «{value}»",
    "config.database_unreachable": (
        "không mở được cơ sở dữ liệu {where} (lỗi của trình điều khiển: {reason}); kiểm tra DATABASE_URL và máy "
        "chủ cơ sở dữ liệu đang chạy, rồi chạy `{command}` nếu cơ sở dữ liệu còn mới"
    ),
    "config.database_empty": (
        "cơ sở dữ liệu {where} chưa có các bảng của ứng dụng (mã nguồn cần phiên bản {heads}): chạy `{command}` "
        "(cùng DATABASE_URL) rồi khởi động lại"
    ),
    "config.database_behind": (
        "cơ sở dữ liệu {where} đang ở phiên bản {current}, mã nguồn cần phiên bản {heads}: chạy `{command}` "
        "(cùng DATABASE_URL) rồi khởi động lại"
    ),
}
