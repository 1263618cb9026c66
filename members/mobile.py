"""Mobile members (流动党员): start an out-flow, register an in-flow, record a report, end a period,
correct one. Each is one transaction with its audit entry; nothing is half-written.

An out-flow belongs to a member on the roll, and its audit entries are the member's (they follow the
member when it moves, like the rest of its history); `Member.is_mobile` is kept equal to "has an
open out-flow period" by every service here. An in-flow person is not a member of this county: the
record is audited on itself, under the local branch that receives the person.

A report of an out-flowing member counts as a contact for the six-month clock (members/contacts.py).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from branches.choices import BRANCH_KINDS
from core import audit
from core.scoping import covers
from core.validators import check_date, model_input_errors, normalize_number, normalize_phone, too_long

from . import contacts, idcard
from .models import Member, MobilePeriod, MobileReport
from .models.mobile import CARD_NUMBER, CONTACT_PHONE, Direction

MOBILE_OUT = audit.register_action("mobile_out", "流出登记")
MOBILE_IN = audit.register_action("mobile_in", "流入登记")
MOBILE_REPORT = audit.register_action("mobile_report", "流动党员汇报")
MOBILE_END = audit.register_action("mobile_end", "结束流动")
MOBILE_FIX = audit.register_action("mobile_fix", "更正流动记录")

# What a person fills in, by direction (the services take exactly these keys).
OUT_FIELDS = ["started_on", "place", "reach", "employer", "host_org", "contact_person", "contact_phone",
              "reason", "original_job", "card_number", "notes"]
IN_FIELDS = ["organization", "name", "gender", "id_number", "joined_on", "category", "phone", "home_org",
             "started_on", "place", "reach", "employer", "contact_person", "contact_phone", "reason",
             "original_job", "card_number", "notes"]
# Audited besides what is filled in (the dates the services set).
KEPT_FIELDS = ["ended_on", "last_report_on"]
PREFIX = "mobile."  # an out-flow's changes are stored on the member, under these keys

NOT_ON_ROLL = "只有在册党员可以登记流出；该党员当前为“{state}”。"
NOT_YOURS = "您没有管理该党员（或该党支部）的权限。"
PHONE_RULE = "应为11位手机号码，或带区号的固定电话（如0512-12345678）。"
ALWAYS = datetime.date.max


@contacts.source("mobile")
def report_dates(member_ids):
    """{member id: the latest report of its out-flow periods} (the six-month clock's source)."""
    rows = (MobileReport.objects.filter(period__member_id__in=member_ids, period__direction=Direction.OUT)
            .values_list("period__member_id").annotate(day=Max("reported_on")).order_by())
    return dict(rows)


def can_manage(user, period):
    """An editor grant covers the member's branch (out-flow) or the receiving branch (in-flow)."""
    return covers(user.editor_paths, period.branch.path)


def managing_branches(user):
    """Branches that may receive an in-flow person: active branches under the user's editor grants."""
    from branches.models import Organization

    return Organization.objects.within(user.editor_paths).active().filter(kind__in=BRANCH_KINDS)


# -- the rules ---------------------------------------------------------------------------------

def _normalize(period):
    period.contact_phone = normalize_phone(period.contact_phone)
    period.phone = normalize_phone(period.phone)
    period.card_number = normalize_number(period.card_number)
    period.id_number = idcard.normalize(period.id_number) if period.id_number else ""
    for name in ("place", "employer", "host_org", "contact_person", "reason", "name", "home_org"):
        setattr(period, name, (getattr(period, name) or "").strip())


def _labels(period):
    """Field labels as the person filling in this direction reads them."""
    if period.is_out:
        return {"started_on": "外出时间", "ended_on": "返回时间", "place": "流入地"}
    return {"started_on": "流入时间", "ended_on": "离开时间", "place": "流出地（来自何地）"}


def errors_of(period):
    """{field: Chinese message} for a period's own facts (not its neighbours: see _overlap)."""
    _normalize(period)
    errors = model_input_errors(period)  # clean script, the note's length, dates in range
    names = _labels(period)
    today = datetime.date.today()
    for field in period._meta.concrete_fields:
        value = getattr(period, field.attname)
        if isinstance(value, str) and field.max_length and field.name not in errors:
            problem = too_long(value, field.max_length)
            if problem:
                errors[field.name] = f"{field.verbose_name}{problem}"
        if field.choices and value and value not in dict(field.flatchoices):
            errors[field.name] = f"“{value}”不是有效的{field.verbose_name}。"

    start, end = period.started_on, period.ended_on
    if start is None:
        errors["started_on"] = f"请填写{names['started_on']}。"
    elif "started_on" not in errors:
        if start > today:
            errors["started_on"] = f"{names['started_on']}不能晚于今天（登记已经发生的流动）。"
        else:
            joined = period.member.joined_on if period.is_out and period.member_id else period.joined_on
            if joined and start < joined:
                errors["started_on"] = f"{names['started_on']}不能早于入党时间（{joined:%Y-%m-%d}）。"
    if end is not None and "ended_on" not in errors:
        if start and end < start:
            errors["ended_on"] = f"{names['ended_on']}不能早于{names['started_on']}（{start:%Y-%m-%d}）。"
        elif end > today:
            errors["ended_on"] = f"{names['ended_on']}不能晚于今天。"
        elif period.last_report_on and end < period.last_report_on:
            errors["ended_on"] = (f"{names['ended_on']}不能早于最近一次汇报日期（{period.last_report_on:%Y-%m-%d}），"
                                  "请核对。")

    if not period.place:
        errors["place"] = f"请填写{names['place']}。"
    if not period.reason:
        errors["reason"] = "请填写流动原因。"
    if period.contact_phone and "contact_phone" not in errors and not CONTACT_PHONE.fullmatch(period.contact_phone):
        errors["contact_phone"] = "联系人电话" + PHONE_RULE
    if period.card_number and "card_number" not in errors and not CARD_NUMBER.fullmatch(period.card_number):
        errors["card_number"] = "活动证号只能由数字和字母组成（不超过30位）。"
    if period.is_out:
        _out_errors(period, errors)
    else:
        _in_errors(period, errors)
    return errors


def _out_errors(period, errors):
    if not period.member_id:
        errors["member"] = "流出记录须对应本县在册党员。"
    for name in ("name", "gender", "id_number", "joined_on", "category", "phone", "home_org", "organization_id"):
        if getattr(period, name):
            errors.setdefault(name, "流出记录的个人信息取自党员信息，不单独填写。")


def _in_errors(period, errors):
    if period.member_id:
        errors["member"] = "流入人员不是本县在册党员，流入记录不关联党员。"
    org = period.organization if period.organization_id else None
    if org is None:
        errors["organization"] = "请选择参加组织生活的党支部。"
    elif org.kind not in BRANCH_KINDS:
        errors["organization"] = "流入党员应编入党支部（含联合党支部、临时党支部）参加组织生活。"
    elif org.is_dissolved:
        errors["organization"] = f"“{org.name}”已撤销，不能接收流入党员。"
    for name, label in (("name", "姓名"), ("gender", "性别"), ("category", "人员类别"),
                        ("home_org", "组织关系所在党组织")):
        if not getattr(period, name):
            errors.setdefault(name, f"请填写{label}。")
    if not period.joined_on:
        errors.setdefault("joined_on", "请填写入党时间。")
    elif period.joined_on > datetime.date.today():
        errors.setdefault("joined_on", "入党时间不能晚于今天。")
    if not period.id_number:
        errors.setdefault("id_number", "请填写公民身份号码。")
    elif "id_number" not in errors:
        problem = idcard.validate(period.id_number)
        if problem:
            errors["id_number"] = problem
        elif period.gender and idcard.gender(period.id_number) != period.gender:
            errors["gender"] = "性别与公民身份号码不一致（第17位奇数为男、偶数为女）。"
    if period.phone and "phone" not in errors and not CONTACT_PHONE.fullmatch(period.phone):
        errors["phone"] = "本人联系电话" + PHONE_RULE
    if period.host_org:
        errors.setdefault("host_org", "流入记录的流入地党组织即接收的党支部，不单独填写。")


def _span(p):
    return p.started_on, p.ended_on or ALWAYS


def _overlap(period):
    """The Chinese message when `period` overlaps another of the same person, else None."""
    start, end = _span(period)
    if period.is_out:
        others = MobilePeriod.objects.out_flow().filter(member_id=period.member_id)
    else:
        others = MobilePeriod.objects.in_flow().filter(id_number=period.id_number)
    for other in others.exclude(pk=period.pk).filter(started_on__lt=end).order_by("started_on"):
        o_start, o_end = _span(other)
        if o_end > start:
            until = "今" if other.ended_on is None else f"{other.ended_on:%Y-%m-%d}"
            if period.is_out:
                return (f"该党员已有一段流出记录（{o_start:%Y-%m-%d} 至 {until}），流出时段不能重叠："
                        "请先登记那段流动的返回时间，或核对日期。")
            return (f"该人员已有一段与此时段重叠的流入记录（{o_start:%Y-%m-%d} 至 {until}，可能由其他党组织登记），"
                    "请核对。")
    return None


def _check(period):
    errors = errors_of(period)
    if errors:
        raise ValidationError(errors)
    if not period.is_out:
        if Member.objects.on_roll().filter(id_number=period.id_number).exists():
            raise ValidationError({"id_number": "该公民身份号码是本县在册党员：本县党员外出请在其党员页面登记流出，"
                                                "不作流入登记。"})
    clash = _overlap(period)
    if clash:
        raise ValidationError({"started_on": clash})


# -- audit and the member's flag -----------------------------------------------------------------

def _fields(period):
    return (OUT_FIELDS if period.is_out else IN_FIELDS) + KEPT_FIELDS


def _snapshot(period):
    if period.pk is None:
        return {}
    return audit.snapshot(period, _fields(period))


def _record(user, period, action, before, reason=""):
    """One audit entry: on the member for an out-flow (keys prefixed 'mobile.'), on the record
    itself for an in-flow. Also writes the member's is_mobile when it changes."""
    after = audit.snapshot(period, _fields(period))
    changes = audit.diff(before, after)
    if not period.is_out:
        return audit.record(user, period, action, changes=changes, reason=reason)
    changes = {PREFIX + k: v for k, v in changes.items()}
    member = period.member
    flag = MobilePeriod.objects.out_flow().current().filter(member_id=member.pk).exists()
    if member.is_mobile != flag:
        changes["is_mobile"] = [audit.display_value(member, "is_mobile"), "是" if flag else "否"]
        member.is_mobile = flag
        member.save(update_fields=["is_mobile"])
    return audit.record(user, member, action, changes=changes, reason=reason)


def _save(period):
    try:
        with transaction.atomic():
            period.save()
    except IntegrityError as exc:  # another request opened a period for this member meanwhile
        raise ValidationError("该党员已有一段未结束的流出记录，流出时段不能重叠。") from exc


def _locked_member(user, member):
    member = Member.objects.select_for_update(of=("self",)).select_related("organization").get(pk=member.pk)
    if not covers(user.editor_paths, member.organization.path):
        raise ValidationError(NOT_YOURS)
    return member


def _locked_period(user, period):
    """The period locked (and its member, for an out-flow), after the permission check."""
    if period.member_id:
        _locked_member(user, period.member)
    period = (MobilePeriod.objects.select_for_update(of=("self",))
              .select_related("member__organization", "organization").get(pk=period.pk))
    if not can_manage(user, period):
        raise ValidationError(NOT_YOURS)
    return period


def _fill(period, data, names):
    unknown = set(data) - set(names)
    if unknown:
        raise ValidationError(f"不能在此填写：{'、'.join(sorted(unknown))}。")
    for name in names:
        if name in data:
            value = data[name]
            field = period._meta.get_field(name)
            if value is None and field.get_internal_type() in ("CharField", "TextField"):
                value = ""
            setattr(period, name, value)


# -- the services -----------------------------------------------------------------------------

@transaction.atomic
def start_outflow(user, member, data, reason=""):
    """An out-flow of a member on the roll, from `data["started_on"]` (not in the future), not
    overlapping any other out-flow of the member. Sets is_mobile."""
    member = _locked_member(user, member)
    if not member.on_roll:
        raise ValidationError(NOT_ON_ROLL.format(state=member.get_roll_state_display()))
    period = MobilePeriod(direction=Direction.OUT, member=member, original_job=member.job_category)
    _fill(period, data, OUT_FIELDS)
    _check(period)
    _save(period)
    _record(user, period, MOBILE_OUT, {}, reason)
    return period


@transaction.atomic
def register_inflow(user, data, reason=""):
    """An in-flow person (a member of another county's organization) taken into a local branch."""
    period = MobilePeriod(direction=Direction.IN)
    _fill(period, data, IN_FIELDS)
    org = period.organization if period.organization_id else None
    if org is not None and not covers(user.editor_paths, org.path):
        raise ValidationError({"organization": "所选党支部不存在或不在您的管理范围内。"})
    _check(period)
    _save(period)
    _record(user, period, MOBILE_IN, {}, reason)
    return period


@transaction.atomic
def record_report(user, period, reported_on, channel, content=""):
    """A report of the mobile member: within the period, not in the future. Raises the period's
    最近一次汇报 and, for an out-flowing member, its last contact (the six-month clock)."""
    period = _locked_period(user, period)
    if period.is_out and not period.member.on_roll:
        raise ValidationError(NOT_ON_ROLL.format(state=period.member.get_roll_state_display()))
    report = MobileReport(period=period, reported_on=reported_on, channel=channel, content=(content or "").strip())
    errors = model_input_errors(report)
    if reported_on is None:
        errors["reported_on"] = "请填写汇报日期。"
    elif "reported_on" not in errors:
        if reported_on > datetime.date.today():
            errors["reported_on"] = "汇报日期不能晚于今天。"
        elif reported_on < period.started_on:
            errors["reported_on"] = f"汇报日期不能早于{_labels(period)['started_on']}（{period.started_on:%Y-%m-%d}）。"
        elif period.ended_on and reported_on > period.ended_on:
            errors["reported_on"] = f"该段流动已于 {period.ended_on:%Y-%m-%d} 结束，汇报日期不能晚于结束日期。"
    if channel not in dict(MobileReport._meta.get_field("channel").flatchoices):
        errors["channel"] = "请选择汇报方式。"
    if errors:
        raise ValidationError(errors)
    report.save()
    before = _snapshot(period)
    if period.last_report_on is None or reported_on > period.last_report_on:
        period.last_report_on = reported_on
        period.save(update_fields=["last_report_on", "updated_at"])
    text = f"{reported_on:%Y-%m-%d} {report.get_channel_display()}汇报"
    if report.content:
        text += f"：{report.content}"
    _record(user, period, MOBILE_REPORT, before, text)
    if period.is_out:
        contacts.touch([period.member_id], reported_on)
    return report


@transaction.atomic
def end_period(user, period, ended_on, reason=""):
    """The member is back (or the in-flow person has left) on `ended_on`. Clears is_mobile."""
    period = _locked_period(user, period)
    if period.ended_on is not None:
        raise ValidationError(f"该段流动已于 {period.ended_on:%Y-%m-%d} 结束。")
    before = _snapshot(period)
    period.ended_on = ended_on
    problem = check_date(ended_on) if ended_on else None
    if ended_on is None:
        raise ValidationError({"ended_on": f"请填写{_labels(period)['ended_on']}。"})
    if problem:
        raise ValidationError({"ended_on": problem})
    _check(period)
    period.save(update_fields=["ended_on", "updated_at"])
    _record(user, period, MOBILE_END, before, reason)
    return period


@transaction.atomic
def correct_period(user, period, data, reason):
    """Correct a period's facts (a wrong date, a misspelt employer), with a reason. The return date
    of an ended period may be corrected, not removed."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写更正理由。"})
    period = _locked_period(user, period)
    if period.is_out and not period.member.on_roll:
        raise ValidationError(NOT_ON_ROLL.format(state=period.member.get_roll_state_display()))
    before = _snapshot(period)
    names = (OUT_FIELDS if period.is_out else IN_FIELDS) + (["ended_on"] if period.ended_on else [])
    _fill(period, data, names)
    if before.get("ended_on") and period.ended_on is None:
        raise ValidationError({"ended_on": "已结束的流动不能改回未结束；如又外出，请登记新的一段流动。"})
    org = period.organization if period.organization_id else None
    if org is not None and not covers(user.editor_paths, org.path):
        raise ValidationError({"organization": "所选党支部不存在或不在您的管理范围内。"})
    _check(period)
    if audit.snapshot(period, _fields(period)) == before:
        return period
    _save(period)
    if not period.is_out and before.get("organization") != str(org):
        audit.follow(period)  # received by another branch now: its history goes with it
    _record(user, period, MOBILE_FIX, before, reason)
    return period


def register():
    """Labels of an out-flow's changes stored on the member (members/apps.py calls this)."""
    for name in OUT_FIELDS + KEPT_FIELDS:
        field = MobilePeriod._meta.get_field(name)
        label = {"place": "流入地", "started_on": "外出时间", "reason": "流出原因"}.get(name, field.verbose_name)
        audit.register_label(Member, PREFIX + name, f"流动·{label}")
    audit.register_page(MobilePeriod, "members:mobile_detail")
