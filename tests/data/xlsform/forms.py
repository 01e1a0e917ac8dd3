"""XLSForm fixtures written as plain rows, so a reviewer reads them here; tests turn them into .xlsx files.

Each form is ``{sheet name: [header row, row, ...]}``; Excel row numbers are the list positions + 1 (the header
is row 1). ``write_workbook`` saves one with openpyxl, the way a coordinator's Excel file arrives.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

VI, EN = "label::Vietnamese (vi)", "label::English (en)"
HINT_VI, HINT_EN = "hint::Vietnamese (vi)", "hint::English (en)"
MSG_VI, MSG_EN = "constraint_message::Vietnamese (vi)", "constraint_message::English (en)"


def write_workbook(sheets: dict[str, list[list]], path: Path) -> Path:
    """Save the sheets (in the given order) as an .xlsx workbook at ``path``."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


# 1. A PAR Index form for leaders of provincial departments: groups, relevance, constraints, two languages,
#    items scored in Excel (weights on the choices sheet) and an item on a scale of the methodology.
PAR_DEPT_LEADER = {
    "survey": [
        ["type", "name", VI, EN, HINT_VI, HINT_EN, "required", "relevant", "constraint", MSG_VI, MSG_EN,
         "criterion", "appearance"],
        ["start", "started"],
        ["begin group", "info", "Thông tin người trả lời", "About you"],
        ["select_one position", "position", "Chức vụ hiện tại của ông/bà", "Your current position",
         None, None, "yes"],
        ["integer", "years_in_post", "Số năm giữ chức vụ lãnh đạo", "Years in a leading position",
         "Làm tròn xuống", "Round down", "yes", None, ". >= 0 and . <= 40",
         "Từ 0 đến 40 năm", "Between 0 and 40 years"],
        ["end group"],
        ["begin group", "F1", "Công tác chỉ đạo, điều hành cải cách hành chính", "Steering and managing PAR"],
        ["select_one quality", "Q1", "Sự quan tâm của lãnh đạo tỉnh đối với cải cách hành chính",
         "Provincial leaders' attention to PAR", None, None, "yes", None, None, None, None, "F1.C3.S1"],
        ["select_one quality", "Q2", "Tính kịp thời của các chỉ đạo về cải cách hành chính",
         "Timeliness of PAR directions", None, None, "yes", None, None, None, None, "F1.C3.S2"],
        ["select_one yes_no", "Q3", "Ông/bà có tham dự tập huấn về cải cách hành chính không?",
         "Did you attend PAR training?"],
        ["select_one opt4_effectiveness", "Q3b", "Hiệu quả của công tác tuyên truyền cải cách hành chính",
         "Effectiveness of PAR communication", None, None, "yes", "${Q3} = 'yes'", None, None, None, "F1.C3.S3"],
        ["end group"],
        ["begin group", "F3", "Cải cách thủ tục hành chính", "Reform of administrative procedures",
         None, None, None, "${position} != 'other'"],
        ["select_multiple channel", "Q4", "Người dân gửi phản ánh qua kênh nào?", "Which channels do citizens use?",
         "Chọn tất cả các kênh phù hợp", "Tick all that apply", "yes", None, "count-selected(.) >= 1"],
        ["text", "Q5", "Kiến nghị của ông/bà", "Your recommendations", None, None, None,
         "selected(${Q4}, 'hotline') or ${Q1} = 'D'", None, None, None, None, "multiline"],
        ["end group"],
    ],
    "choices": [
        ["list_name", "name", VI, EN, "weight", "missing"],
        ["position", "director", "Giám đốc sở", "Department director"],
        ["position", "deputy", "Phó giám đốc sở", "Deputy director"],
        ["position", "other", "Khác", "Other"],
        ["quality", "A", "Rất tốt", "Very good", 1],
        ["quality", "B", "Tốt", "Good", 0.6],
        ["quality", "C", "Chưa tốt", "Not good enough", 0.2],
        ["quality", "D", "Không tốt", "Poor", 0],
        ["quality", "E", "Không biết", "Don't know", None, "yes"],
        ["yes_no", "yes", "Có", "Yes"],
        ["yes_no", "no", "Không", "No"],
        ["channel", "hotline", "Đường dây nóng", "Hotline"],
        ["channel", "portal", "Cổng dịch vụ công", "Public service portal"],
        ["channel", "in_person", "Trực tiếp", "In person"],
    ],
    "settings": [
        ["form_id", "version", "form_title::Vietnamese (vi)", "form_title::English (en)", "default_language",
         "methodology", "respondent_groups"],
        ["par_dept_leader_2024", "2024.1", "Phiếu khảo sát lãnh đạo sở", "Survey of department leaders",
         "Vietnamese (vi)", "par_province_2021", "dept_leader"],
    ],
}


# 2. A SIPAS-like citizen form: plain `label` columns (Vietnamese, the default language), select_multiple,
#    a table-list group that becomes a matrix, a section shown only to those who used a service.
SIPAS_CITIZEN = {
    "survey": [
        ["type", "name", "label", "label::English (en)", "required", "relevant", "constraint", "criterion",
         "appearance", "scored"],
        ["begin_group", "demo", "Thông tin chung", "About you"],
        ["select_one gender", "gender", "Giới tính", "Gender", "yes"],
        ["integer", "age", "Tuổi", "Age", "yes", None, ". >= 18 and . <= 100"],
        ["select_multiple service", "services", "Ông/bà đã dùng dịch vụ nào trong 12 tháng qua?",
         "Which services did you use in the last 12 months?", "yes"],
        ["end_group"],
        ["begin_group", "sat", "Đánh giá sự phục vụ", "Rating the service", None, "count-selected(${services}) > 0"],
        ["note", "sat_intro", "Xin cho biết mức độ hài lòng của ông/bà.", "Please rate your satisfaction."],
        ["begin_group", "sat_grid", "Ông/bà hài lòng thế nào về:", "How satisfied are you with:",
         None, None, None, None, "table-list"],
        ["select_one likert5", "sat_access", "Tiếp cận dịch vụ", "Access to the service", "yes", None, None, "II.A"],
        ["select_one likert5", "sat_proc", "Thủ tục hành chính", "Administrative procedures", "yes", None, None,
         "II.B"],
        ["select_one likert5", "sat_staff", "Công chức giải quyết công việc", "The civil servants", "yes", None,
         None, "II.C"],
        ["end_group"],
        ["select_one likert5", "sat_overall", "Nhìn chung, ông/bà hài lòng thế nào?", "Overall, how satisfied?",
         None, "selected(${services}, 'land')", None, None, None, "no"],
        ["end_group"],
        ["begin_group", "exp", "Mong đợi", "Expectations"],
        ["select_multiple priority", "priorities", "Cần ưu tiên cải thiện điều gì? (tối đa 3)",
         "What should improve first? (at most 3)", None, None, "count-selected(.) <= 3"],
        ["text", "comment", "Góp ý khác", "Other comments", None, None, None, None, "multiline"],
        ["end_group"],
    ],
    "choices": [
        ["list_name", "name", "label", "label::English (en)", "weight", "missing"],
        ["gender", "1", "Nam", "Male"],
        ["gender", "2", "Nữ", "Female"],
        ["service", "land", "Đất đai", "Land"],
        ["service", "business", "Đăng ký kinh doanh", "Business registration"],
        ["service", "civil", "Hộ tịch", "Civil status"],
        ["likert5", "1", "Rất không hài lòng", "Very dissatisfied", 0],
        ["likert5", "2", "Không hài lòng", "Dissatisfied", 0.25],
        ["likert5", "3", "Bình thường", "Neutral", 0.5],
        ["likert5", "4", "Hài lòng", "Satisfied", 0.75],
        ["likert5", "5", "Rất hài lòng", "Very satisfied", 1],
        ["likert5", "9", "Không có ý kiến", "No opinion", None, "yes"],
        ["priority", "online", "Dịch vụ trực tuyến", "Online services"],
        ["priority", "time", "Rút ngắn thời gian", "Shorter waiting"],
        ["priority", "fees", "Giảm phí", "Lower fees"],
        ["priority", "attitude", "Thái độ công chức", "Civil servants' attitude"],
    ],
    "settings": [
        ["form_id", "version", "form_title", "form_title::English (en)", "methodology", "respondent_groups"],
        ["sipas_citizen_dn", "2024.2", "Phiếu khảo sát sự hài lòng của người dân", "Citizen satisfaction survey",
         "sipas_2023", "citizen"],
    ],
}


# 3. A province's own short form: Vietnamese only, no methodology; integer, decimal, date, note, soft required,
#    questions outside any group, and a group nested in a group (flattened into its section).
PROVINCE_ONE_STOP = {
    "survey": [
        ["type", "name", "label", "required", "relevant", "constraint", "constraint_message"],
        ["note", "welcome", "Xin cảm ơn ông/bà đã tham gia khảo sát về Bộ phận Một cửa."],
        ["date", "visit_date", "Ngày ông/bà đến Bộ phận Một cửa gần nhất", "soft", None, ". >= '2024-01-01'",
         "Chỉ tính các lần đến từ năm 2024"],
        ["integer", "visits", "Số lần ông/bà đến trong năm", "yes", None, ". >= 1"],
        ["decimal", "wait_hours", "Thời gian chờ trung bình (giờ)", None, "${visits} > 0", ". >= 0 and . <= 24"],
        ["begin group", "feedback", "Ý kiến của ông/bà"],
        ["select_one yes_no", "fee_asked", "Ông/bà có bị yêu cầu nộp thêm khoản phí nào không?", "soft"],
        ["begin group", "fee_detail", "Chi tiết khoản phí", None, "${fee_asked} = 'yes'"],
        ["decimal", "fee_amount", "Số tiền (nghìn đồng)", None, None, ". > 0"],
        ["text", "fee_who", "Ai yêu cầu?", None, "${fee_amount} > 100"],
        ["end group"],
        ["end group"],
    ],
    "choices": [
        ["list_name", "name", "label"],
        ["yes_no", "yes", "Có"],
        ["yes_no", "no", "Không"],
    ],
    "settings": [
        ["form_id", "version", "form_title"],
        ["qn_one_stop", 3, "Khảo sát Bộ phận Một cửa tỉnh"],
    ],
}


# 4. What cannot be converted: a repeat, a geopoint, a photo column (the calculation, or_other and choice_filter
#    rows convert since issue 13).
UNSUPPORTED = {
    "survey": [
        ["type", "name", "label", "image", "calculation", "choice_filter"],
        ["text", "unit_name", "Tên đơn vị"],
        ["begin repeat", "members", "Thành viên hộ gia đình"],
        ["text", "member_name", "Họ tên"],
        ["end repeat"],
        ["geopoint", "location", "Vị trí"],
        ["note", "logo_note", "Logo của tỉnh", "logo.png"],
        ["calculate", "total", None, None, "1 + 1"],
        ["select_one district or_other", "district", "Huyện"],
        ["select_one ward", "ward", "Xã", None, None, "district=${district}"],
    ],
    "choices": [
        ["list_name", "name", "label", "district"],
        ["district", "d1", "Huyện 1"],
        ["ward", "w1", "Xã 1", "d1"],
    ],
    "settings": [["form_id", "version", "form_title"], ["unsupported_form", "1", "Phiếu không chuyển được"]],
}

# 5. Malformed workbooks.
NO_SURVEY_SHEET = {
    "questions": [["type", "name", "label"], ["text", "q1", "Câu hỏi"]],
    "settings": [["form_id", "version", "form_title"], ["no_survey", "1", "Không có trang survey"]],
}

UNKNOWN_LIST_AND_DUPLICATE_NAME = {
    "survey": [
        ["type", "name", "label"],
        ["select_one yesno", "q1", "Câu hỏi 1"],
        ["text", "q2", "Câu hỏi 2"],
        ["integer", "q2", "Câu hỏi 2 (lặp lại)"],
    ],
    "choices": [["list_name", "name", "label"], ["yes_no", "yes", "Có"], ["yes_no", "no", "Không"]],
    "settings": [["form_id", "version", "form_title"], ["broken_form", "1", "Phiếu lỗi"]],
}


def with_cells(form: dict[str, list[list]], **cells: object) -> dict[str, list[list]]:
    """A copy of ``form`` with cells changed, named like Excel: ``with_cells(F, choices_E5=1.5)``."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    copy = {name: [list(row) for row in rows] for name, rows in form.items()}
    for key, value in cells.items():
        sheet, _, ref = key.rpartition("_")
        letter, number = coordinate_from_string(ref)
        row = copy[sheet][number - 1]
        column = column_index_from_string(letter) - 1
        row.extend([None] * (column + 1 - len(row)))
        row[column] = value
    return copy
