"""Roster files built in the tests: the national system's export, our template, dirty real-world ones."""

import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_id

# The national member information system's list (FORMS.md): its own headers, its own order.
NATIONAL_HEADERS = ["序号", "姓名", "性别", "公民身份号码", "民族", "出生日期", "学历", "人员类别", "学位",
                    "所在党支部", "手机号码", "入党日期", "转正日期", "工作岗位", "现居住地", "户籍所在地",
                    "是否失联党员", "是否流动党员"]


def national_row(i, name, branch, *, birth=datetime.date(1985, 3, 1), female=False, joined=datetime.date(2010, 7, 1),
                 probationary=False, id_number=None):
    return [i, name, "女" if female else "男", id_number or make_id(birth, female), "汉族", birth.isoformat(),
            "大学本科", "预备党员" if probationary else "正式党员", "学士", branch, f"1390000{i:04d}",
            joined.isoformat(), "" if probationary else joined.replace(year=joined.year + 1).isoformat(),
            "专业技术人员", "城关镇东街", "城关镇", "否", "否"]


def workbook(rows, headers=NATIONAL_HEADERS, title="全国党员管理信息系统 党员名册", as_text_id=True):
    """An .xlsx like the national export: a merged title row, a note row, then the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "党员信息"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(["导出时间：2026-11-01", None, None, "单位：城关镇党委"])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(content, name="名册.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
