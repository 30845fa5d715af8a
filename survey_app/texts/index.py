"""The index imports and statistics: what the index wing's codes say."""

CODES = {
    "number_required": "bắt buộc (ghi 0 nếu không có điểm)",
    "not_a_number": "«{value}» không phải là số",
    "negative_points": "điểm âm ({value})",
    "area_not_of_type": "lĩnh vực «{value}» không thuộc loại đơn vị {unit_type}; các mã hợp lệ: {known}",
    "duplicate_row": "trùng với dòng {first_row}",
    "area_over_maximum": "điểm lĩnh vực {area} của {unit} là {got:.2g}, vượt điểm tối đa thẩm định {maximum:.2g}",
    "unit_missing_from_file": "thiếu đơn vị {value} ({name}): tệp không có dòng nào của đơn vị",
    "duplicate_unit_row": "đơn vị {value} đã có ở dòng {first_row}",
    "no_satisfaction_rule": "bộ câu hỏi không quy định điểm hài lòng cho loại đơn vị {unit_type}",
    "points_and_percent": "chỉ ghi điểm hoặc tỷ lệ, không ghi cả hai",
    "points_or_percent": "bắt buộc: ghi điểm hoặc tỷ lệ hài lòng (%)",
    "percent_over_100": "tỷ lệ {percent:.2g} vượt 100%",
    "points_over_maximum": "điểm {points:.2g} vượt điểm tối đa {maximum:.2g}",
    "duplicate_code": "mã {value} đã có ở dòng {first_row}",
    "no_unit_this_year": (
        "không có đơn vị mã «{value}» năm nay; ghi mã năm nay vào cột «Mã năm nay», hoặc «-» nếu đơn vị không còn"
    ),
    "not_a_rank": "«{value}» không phải là số thứ hạng",
    "total_out_of_range": "tổng điểm {value} ngoài khoảng 0–100",
    # filling a workbook Home Affairs already keeps (`flask index fill`)
    "fill.bad_column": "cột phải là chữ cái như C hoặc AB, không phải «{column}»",
    "fill.no_column": "cần ít nhất một cột để điền, ví dụ survey=H",
    "fill.unknown_field": "không có trường {fields}; các trường: {allowed}",
    "fill.unknown_sheet": "không có trang tính «{sheet}»; các trang: {sheets}",
    "fill.sheet_has_pictures": "trang «{sheet}» có biểu đồ hoặc hình ảnh, sẽ bị mất khi lưu: không điền được",
    # the PDF copy of the report
    "document.no_office": "máy chủ chưa cài LibreOffice nên chưa làm được bản PDF; hãy tải bản DOCX",
    "document.pdf_failed": "LibreOffice không chuyển được {name} sang PDF ({detail})",
}

# The report of an import that was written (the page and the terminal say the same).
IMPORTED = {
    "appraisal": "Đã nhập {rows} dòng điểm thẩm định cho {units} đơn vị.",
    "satisfaction": "Đã nhập điểm hài lòng của {units} đơn vị.",
    "last_year": "Đã nhập kết quả năm trước của {rows} đơn vị.",
}

COLUMNS = {
    "area": "Mã lĩnh vực",
    "criterion": "Tiêu chí",
    "appraised": "Điểm thẩm định",
    "self_assessed": "Điểm tự đánh giá",
    "not_applicable": "Điểm không áp dụng",
    "percent": "Tỷ lệ hài lòng (%)",
    "points": "Điểm hài lòng",
    "old_code": "Mã năm trước",
    "new_code": "Mã năm nay",
    "total": "Tổng điểm",
    "rank": "Xếp hạng",
    "band": "Nhóm",
}
