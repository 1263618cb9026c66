"""The import's two workbooks: the template to fill in (header notes, drop-down lists for the coded
fields, the ID column as text), and the error list of a preview (the bad rows as they were, each bad
cell red with its message as a comment, the reasons in a last column; fixed, it imports as is)."""

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .columns import COLUMNS

TEMPLATE_ROWS = 5000  # rows prepared (text format for the ID, drop-downs)
HEADER_ROW = 2
BAD = PatternFill("solid", fgColor="FFC7CE")
HEAD = PatternFill("solid", fgColor="F2DCDB")
BOLD = Font(bold=True)
RED_BOLD = Font(bold=True, color="C00000")

RULES = [
    "一名党员一行，从第3行起填写；第2行的表头不要改名，列的顺序可以调整，不需要的列可以删除。",
    "按“公民身份号码”识别党员：已在本系统登记的，导入时更新有改动的项目（空白单元格不会清空原有信息）；未登记的新增。",
    "公民身份号码一列已设为文本格式，请直接输入或粘贴18位号码；不要改成数字格式，否则Excel会把后三位变成0。",
    "日期写作 2001-07-01；也可写 2001.07、2001年7月、20010701（只有年月的，按该月1日记）。",
    "性别、出生日期不填时，按公民身份号码填写。",
    "人员类别（转正）、党籍状态、所在党支部的调整须在党员页面办理，导入不改动已登记党员的这些项目。",
    "上传时选定党支部的，“所在党支部”一列可以不填；按列导入时，填写您管理范围内党支部的名称。",
]


def _save(wb):
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template():
    wb = Workbook()
    ws = wb.active
    ws.title = "党员信息"
    codes = wb.create_sheet("代码")
    codes.sheet_state = "hidden"
    notes = wb.create_sheet("填写说明")
    last = get_column_letter(len(COLUMNS))
    ws["A1"] = "党员信息导入表（第2行为表头，请从第3行起填写，一人一行；红色表头为必填项）"
    ws["A1"].font = BOLD
    ws.merge_cells(f"A1:{last}1")
    code_col = 0
    for i, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(HEADER_ROW, i, column.header)
        cell.font = RED_BOLD if column.required else BOLD
        cell.fill = HEAD
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if column.note:
            cell.comment = Comment(column.note, "党员管理系统", width=240, height=90)
        ws.column_dimensions[letter].width = column.width + 2
        if column.key == "id_number":
            for r in range(HEADER_ROW + 1, HEADER_ROW + 1 + TEMPLATE_ROWS):
                ws.cell(r, i).number_format = "@"
        if column.choices:
            code_col += 1
            code_letter = get_column_letter(code_col)
            codes.cell(1, code_col, column.header)
            for j, label in enumerate(column.choices, start=2):
                codes.cell(j, code_col, label)
            source = f"{quote_sheetname(codes.title)}!${code_letter}$2:${code_letter}${len(column.choices) + 1}"
            dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                                errorTitle="请从列表中选择", error=f"{column.header}请从下拉列表中选择。")
            dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{HEADER_ROW + TEMPLATE_ROWS}")
            ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 2)
    ws.row_dimensions[HEADER_ROW].height = 32
    notes.column_dimensions["A"].width = 110
    notes["A1"] = "填写说明"
    notes["A1"].font = BOLD
    for r, text in enumerate(RULES, start=2):
        notes.cell(r, 1, f"{r - 1}. {text}").alignment = Alignment(wrap_text=True)
    return _save(wb)


def errors(result):
    """The error rows of a preview's `result` as a workbook that marks the bad cells."""
    rows = [r for r in result.get("rows", []) if r["status"] == "error"]
    headers = list(result.get("header_cells") or [])
    width = max([len(headers), *(len(r.get("cells", [])) for r in rows)] or [0])
    headers += [""] * (width - len(headers))
    col_of = {key: i for i, _, key in result.get("columns", [])}
    wb = Workbook()
    ws = wb.active
    ws.title = "错误清单"
    ws.cell(1, 1, f"共 {len(rows)} 行有错误：红色单元格有错误，原因见批注和最后一列。改正后可以直接上传本文件重新导入。")
    ws.cell(1, 1).font = RED_BOLD
    for i, text in enumerate([*headers, "原文件行号", "错误说明"], start=1):
        cell = ws.cell(2, i, text)
        cell.font = BOLD
        cell.fill = HEAD
        ws.column_dimensions[get_column_letter(i)].width = 14
    ws.column_dimensions[get_column_letter(width + 2)].width = 60
    for r, row in enumerate(rows, start=3):
        cells = row.get("cells", [])
        for i in range(width):
            cell = ws.cell(r, i + 1, cells[i] if i < len(cells) else "")
            cell.number_format = "@"  # an ID stays text
        reasons = []
        for key, label, message in row["errors"]:
            reasons.append(f"{label}：{message}" if label else message)
            i = col_of.get(key)
            if i is not None and i < width:
                cell = ws.cell(r, i + 1)
                cell.fill = BAD
                cell.comment = Comment(message, "党员管理系统", width=260, height=80)
        ws.cell(r, width + 1, row["n"])
        ws.cell(r, width + 2, "；".join(reasons)).alignment = Alignment(wrap_text=True)
    ws.freeze_panes = "A3"
    return _save(wb)
