"""The demo county's roster import (demo/steps.py): the demo secretary has imported part of its
branch's list as exported from the national system: two members with a new phone number and address,
one unchanged, and one row whose ID Excel had turned into a number (left out, in the error list). No
new member: the demo county has exactly the members asked for."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from demo import steps

from ..models import Member
from . import service

HEADERS = ["序号", "姓名", "性别", "公民身份号码", "民族", "出生日期", "学历", "人员类别", "所在党支部", "手机号码",
           "入党日期", "转正日期", "工作岗位", "现居住地"]


@steps.step(65, "名册导入")
def roster_import(ctx):
    user = ctx.users.get("secretary")
    if user is None:
        return
    branch = user.home_branch
    existing = list(Member.objects.on_roll().filter(organization=branch).order_by("pk")[:3])
    if len(existing) < 3:
        return
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["全国党员管理信息系统 · 党员名册"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.append(HEADERS)
    for n, m in enumerate(existing, start=1):
        changed = n < 3  # the third row is as recorded
        ws.append([n, m.name, m.gender, m.id_number.lower(), m.ethnicity, f"{m.birth_date:%Y.%m}",
                   m.get_education_display(), m.get_category_display(), branch.name,
                   f"1357000{n:04d}" if changed else m.phone, f"{m.joined_on:%Y%m%d}",
                   f"{m.full_member_on:%Y年%m月%d日}" if m.full_member_on else "", m.get_job_category_display(),
                   f"{branch.name.removesuffix('党支部')}{n}组" if changed else m.residence])
    ws.append([4, "周海涛", "男", 3.20981198505e17, "汉族", "1985-05-06", "初中", "正式党员", branch.name,
               "13670009999", "2010.07", "2011.07", "农牧渔民", "本村"])
    buf = io.BytesIO()
    wb.save(buf)
    batch = service.upload(user, SimpleUploadedFile(f"{branch.name}党员名册（全国系统导出）.xlsx", buf.getvalue()), branch,
                           background=False)
    service.commit(user, batch, background=False)
