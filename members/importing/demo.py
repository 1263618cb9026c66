"""The demo county's roster import (demo/steps.py): the demo secretary has imported its branch's list
as exported from the national system: three new members, two with a new phone number, and one row
whose ID Excel had turned into a number (left out, in the error list)."""

import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from demo import steps

from .. import idcard
from ..models import Member
from . import service

HEADERS = ["序号", "姓名", "性别", "公民身份号码", "民族", "出生日期", "学历", "人员类别", "所在党支部", "手机号码",
           "入党日期", "转正日期", "工作岗位", "现居住地"]
NEW = [("林晓红", datetime.date(1991, 4, 12), "女", "大学本科", "专业技术人员"),
       ("郭建国", datetime.date(1978, 9, 3), "男", "高中", "农牧渔民"),
       ("马文静", datetime.date(1996, 1, 27), "女", "大学专科", "企事业单位管理人员")]


def _new_id(region, birth, female, taken):
    for seq in range(100, 999):
        if (seq % 2 == 0) != female:
            continue
        first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
        ident = first17 + idcard.check_digit(first17)
        if ident not in taken:
            return ident
    raise RuntimeError("no free ID")


@steps.step(65, "名册导入")
def roster_import(ctx):
    user = ctx.users.get("secretary")
    if user is None:
        return
    branch = user.home_branch
    existing = list(Member.objects.on_roll().filter(organization=branch).order_by("pk")[:2])
    if not existing:
        return
    region = existing[0].id_number[:6]
    taken = set(Member.objects.filter(id_number__startswith=region).values_list("id_number", flat=True))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["全国党员管理信息系统 · 党员名册"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.append(HEADERS)
    n = 0
    for n, m in enumerate(existing, start=1):
        ws.append([n, m.name, m.gender, m.id_number, m.ethnicity, f"{m.birth_date:%Y.%m}", m.get_education_display(),
                   m.get_category_display(), branch.name, f"1357000{n:04d}", f"{m.joined_on:%Y%m%d}",
                   f"{m.full_member_on:%Y年%m月%d日}" if m.full_member_on else "", m.get_job_category_display(),
                   m.residence])
    for name, birth, gender, education, job in NEW:
        n += 1
        ident = _new_id(region, birth, gender == "女", taken)
        joined = datetime.date(birth.year + 24, 7, 1)
        ws.append([n, name, gender, ident.lower(), "汉族", birth.isoformat(), education, "正式党员", branch.name,
                   f"1367000{n:04d}", f"{joined:%Y.%m}", f"{joined.year + 1}.07", job, "本村"])
    ws.append([n + 1, "周海涛", "男", 3.20981198505e17, "汉族", "1985-05-06", "初中", "正式党员", branch.name,
               "13670009999", "2010.07", "2011.07", "农牧渔民", "本村"])
    buf = io.BytesIO()
    wb.save(buf)
    batch = service.upload(user, SimpleUploadedFile(f"{branch.name}党员名册（全国系统导出）.xlsx", buf.getvalue()), branch,
                           background=False)
    service.commit(user, batch, background=False)
