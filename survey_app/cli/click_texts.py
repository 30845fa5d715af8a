"""Click's own words (usage, help headings, its errors) in Vietnamese.

Click marks every text it prints with gettext (`_("Usage:")`, `ngettext(...)`), looked up when it is
printed. `install` points those lookups in click's modules at this catalogue; a text missing here stays
as click wrote it. The catalogue keys are click's msgids, word for word (click 8.x).
"""

from __future__ import annotations

import importlib

CLICK = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Tham số",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Gõ '{command} {option}' để xem hướng dẫn.",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Missing argument": "Thiếu tham số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing command.": "Thiếu lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Aborted!": "Đã dừng.",
    "Do you want to continue?": "Tiếp tục?",
    "Repeat for confirmation": "Nhập lại để xác nhận",
    "Error: The two entered values do not match.": "Lỗi: hai lần nhập không giống nhau.",
    "Error: invalid input": "Lỗi: giá trị nhập không hợp lệ",
    "Confirm the action without prompting.": "Xác nhận luôn, không hỏi lại.",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "default: {default}": "mặc định: {default}",
    "env var: {var}": "biến môi trường: {var}",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không tồn tại.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là một thư mục.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là một tệp.",
    "{name} {filename!r} is not readable.": "Không đọc được {name} {filename!r}.",
    "{name} {filename!r} is not writable.": "Không ghi được {name} {filename!r}.",
    "file": "Tệp",
    "directory": "Thư mục",
    "path": "Đường dẫn",
    # Type conversion ({number_type} is click's English type name, "integer" or "float": left out).
    "{value!r} is not a valid {number_type}.": "{value!r} không phải một số hợp lệ.",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}.",
    "{value!r} is not a valid UUID.": "{value!r} không phải UUID hợp lệ.",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} không phải giá trị có/không hợp lệ. Viết một trong: {states}"
    ),
    "{name} {filename!r} is not executable.": "Không chạy được {name} {filename!r}.",
    "Missing {param_type}": "Thiếu {param_type}",
    "Argument {name!r} takes {nargs} values.": "Tham số {name!r} cần {nargs} giá trị.",
    "Value must be an iterable.": "Giá trị phải là một dãy giá trị.",
    "Press any key to continue...": "Bấm một phím bất kỳ để tiếp tục...",
    "deprecated": "không còn dùng",
    "d": " ngày",  # a progress bar's time left: '1 ngày 02:03:04'
    "unknown error": "lỗi không rõ",
}

# ngettext: (singular, plural) → the one Vietnamese form (Vietnamese has no plural form).
CLICK_PLURAL = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): ("Thừa tham số ({args})"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "Tùy chọn {name!r} cần {nargs} giá trị."
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): ("Có phải ý là {possibility}?"),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} không phải một trong các giá trị {choices}."
    ),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        "{value!r} không đúng định dạng {formats}."
    ),
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): "Cần {len_type} giá trị, nhưng có {len_value}.",
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "Cần {nargs} giá trị, nhưng có {len}."
    ),
}

_MODULES = ("core", "exceptions", "formatting", "decorators", "types", "parser", "termui", "utils")


def gettext(message: str) -> str:
    return CLICK.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    found = CLICK_PLURAL.get((singular, plural))
    return found if found is not None else (singular if n == 1 else plural)


def install() -> None:
    """Point click's gettext lookups at the catalogue (idempotent)."""
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
