"""党员信息采集表: one page per member with what the system holds, a column for the member's
corrections and the signature lines, so that once a year the roster is checked on paper against the
record instead of being retyped. (PDF, WeasyPrint, the CJK font embedded as one subset.)"""

import datetime

from django.template.loader import render_to_string

from core.documents.values import CJK_FONTS

from .. import idcard

MAX_MEMBERS = 300  # one file; a larger selection is asked for branch by branch


def _yes_no(value):
    return "是" if value else "否"


def _date(value):
    return f"{value:%Y-%m-%d}" if value else ""


def fields(member, full_id=True):
    """[(label, value)] in the order of the form."""
    return [
        ("姓名", member.name), ("性别", member.gender), ("民族", member.ethnicity),
        ("出生日期", _date(member.birth_date)),
        ("公民身份号码", member.id_number if full_id else idcard.mask(member.id_number)),
        ("籍贯", member.native_place), ("学历", member.get_education_display()),
        ("学位", member.get_degree_display() if member.degree else ""),
        ("人员类别", member.get_category_display()), ("入党日期", _date(member.joined_on)),
        ("转正日期", _date(member.full_member_on)), ("工作岗位", member.get_job_category_display()),
        ("工作单位", member.work_unit), ("职务", member.post), ("从事专业技术职务", member.tech_title),
        ("新社会阶层类型", member.new_social_stratum), ("是否农民工", _yes_no(member.is_migrant_worker)),
        ("手机号码", member.phone), ("所在党支部", member.organization.name),
        ("所在党小组", member.party_group.name if member.party_group_id else ""),
        ("户籍所在地", member.household_registration), ("现居住地", member.residence),
        ("党籍状态", member.get_membership_status_display()),
        ("是否流动党员", _yes_no(member.is_mobile)), ("是否失联党员", _yes_no(member.is_lost_contact)),
        ("备注", member.notes),
    ]


def render_forms(user, members):
    """The PDF bytes of one 采集表 per member (the caller has checked the user may see them whole)."""
    from weasyprint import HTML  # ~1 s to import: only where a PDF is made

    html = render_to_string("members/import/info_form_pdf.html", {
        "fonts": CJK_FONTS, "today": datetime.date.today(),
        "forms": [{"member": m, "fields": fields(m)} for m in members],
    })
    return HTML(string=html).write_pdf()
