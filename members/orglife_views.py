"""Pages of organizational life: the meetings of the branches in scope, entering one (quick on a phone:
everyone present by default, tap to mark absent and pick a reason), the quarterly 三会一课 summary
(page, Excel, PDF), and a member's contact page (the clock, its sources, 登记联系)."""

import datetime
import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts import permissions
from branches.choices import OrgKind
from branches.models import Organization
from core import audit, exports
from core.forms import DateInput, ServiceErrorsMixin
from core.pagination import page_of
from core.validators import MAX_DATE, MIN_DATE, REASON_MAX

from . import contacts, orglife
from .models import AbsenceReason, ContactMethod, ContactRecord, Meeting, MeetingKind, Member

DATE_ERRORS = {"required": "请填写日期。", "invalid": "日期格式应为 2026-11-27。"}


class ContactForm(ServiceErrorsMixin, forms.Form):
    contacted_on = forms.DateField(label="联系日期", widget=DateInput(), error_messages=DATE_ERRORS)
    method = forms.ChoiceField(label="联系方式", choices=[("", "请选择"), *ContactMethod.choices],
                               error_messages={"required": "请选择联系方式。", "invalid_choice": "请选择联系方式。"})
    note = forms.CharField(label="联系情况（选填）", required=False,
                           max_length=ContactRecord._meta.get_field("note").max_length,
                           widget=forms.Textarea(attrs={"rows": 3}))


def _visible_members(request):
    return Member.objects.visible_to(request.user).select_related("organization", "party_group")


def contact(request, pk):
    """A member's contact clock: its last contact and where it comes from; 登记联系 for an editor."""
    member = get_object_or_404(_visible_members(request), pk=pk)
    may_record = permissions.can_edit_member(request.user, member) and member.on_roll
    form = None
    if may_record:
        form = ContactForm(request.POST or None, initial={"contacted_on": timezone.localdate()})
        done, _ = form.perform(request, lambda cd: orglife.record_contact(
            request.user, member, cd["contacted_on"], cd["method"], cd["note"]))
        if done:
            messages.success(request, f"已登记与{member.name}的联系。")
            return redirect("members:contact", member.pk)
    elif request.method == "POST":
        raise PermissionDenied
    today = timezone.localdate()
    last = member.last_contact_on
    return render(request, "members/orglife/contact.html", {
        "member": member, "form": form, "today": today,
        "elapsed": contacts.elapsed_text(last, today) if last else "",
        "overdue": contacts.is_older(last, today, contacts.OVERDUE_MONTHS),
        "warning": contacts.is_older(last, today, contacts.WARN_MONTHS),
        **orglife.member_clock(member),
    })



# -- meetings ---------------------------------------------------------------------------------

class MeetingForm(ServiceErrorsMixin, forms.ModelForm):
    reason = forms.CharField(label="修改说明（选填）", required=False, max_length=REASON_MAX)

    class Meta:
        model = Meeting
        fields = ["held_on", "topic", "place", "host", "notes"]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"held_on": DATE_ERRORS, "topic": {"required": "请填写会议主题。"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["reason"]


class DeleteForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label="删除理由", max_length=REASON_MAX, error_messages={"required": "请填写删除理由。"})


class MeetingFilterForm(ServiceErrorsMixin, forms.Form):
    org = forms.ModelChoiceField(label="党支部", queryset=Organization.objects.none(), required=False,
                                 error_messages={"invalid_choice": "所选党组织不存在或不在您的管理范围内。"})
    kind = forms.ChoiceField(label="会议类型", required=False, choices=[("", "全部"), *MeetingKind.choices],
                             error_messages={"invalid_choice": "会议类型无效。"})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.visible_to(user).branches().order_by("path")
        self.fields["org"].empty_label = "全部"


def meetings(request):
    qs = Meeting.objects.visible_to(request.user).select_related("organization", "party_group")
    form = MeetingFilterForm(request.GET or None, user=request.user)
    if form.is_bound and form.is_valid():
        if form.cleaned_data["org"]:
            qs = qs.filter(organization=form.cleaned_data["org"])
        if form.cleaned_data["kind"]:
            qs = qs.filter(kind=form.cleaned_data["kind"])
    elif form.is_bound:
        qs = qs.none()
    page = page_of(request, qs.annotate(
        n_present=Count("attendance", filter=Q(attendance__present=True)),
        n_absent=Count("attendance", filter=Q(attendance__present=False)),
    ).order_by("-held_on", "-pk"), 50)
    return render(request, "members/orglife/meetings.html", {
        "form": form, "page": page, "can_record": bool(request.user.editor_paths),
    })


def _recordable_branches(user):
    return Organization.objects.within(user.editor_paths).active().branches().order_by("path")


def _marks_from_post(post, rows):
    """{member id: (present, reason, note)} from the attendance fields a_<id> / r_<id> / n_<id>; the
    page's `rows` get the values back for a form shown again. Ids the page did not list stay in the
    marks, so that the service refuses them (a tampered post)."""
    marks, bad = {}, []
    for key in post:
        if not key.startswith("a_"):
            continue
        try:
            pk = int(key[2:])
        except ValueError:
            bad.append(key)
            continue
        value = post.get(key)
        if value not in ("present", "absent", ""):
            bad.append(key)
            continue
        if value:
            marks[pk] = (value == "present", post.get(f"r_{pk}", ""), post.get(f"n_{pk}", "")[:1000])
    for r in rows:
        mark = marks.get(r["member"].pk)
        r["state"] = "" if mark is None else ("present" if mark[0] else "absent")
        r["reason"], r["note"] = (mark[1], mark[2]) if mark else ("", "")
    return marks, bad


def _rows(members, states):
    return [{"member": m, "state": states.get(m.pk, ""), "reason": "", "note": ""} for m in members]


def _meeting_page(request, meeting, form, rows, title):
    return render(request, "members/orglife/meeting_form.html", {
        "form": form, "meeting": meeting, "rows": rows, "title": title,
        "reasons": AbsenceReason.choices, "optional": meeting.kind == MeetingKind.COMMITTEE,
        "counts": {"present": sum(r["state"] == "present" for r in rows),
                   "absent": sum(r["state"] == "absent" for r in rows)},
    })


def _save(request, form, meeting, rows):
    """The POST half of the meeting form: the fields, the marks, one service call."""
    if request.method != "POST":
        return False, None
    marks, bad = _marks_from_post(request.POST, rows)

    def save(cd):
        if bad:
            raise ValidationError("出席情况的数据无效，未保存。请刷新页面后重新填写。")
        return orglife.save_meeting(request.user, form.instance, marks, cd.get("reason", ""))

    return form.perform(request, save)


def meeting_create(request):
    branches = _recordable_branches(request.user)
    if not branches.exists():
        raise PermissionDenied
    branch = None
    if request.GET.get("org"):
        branch = get_object_or_404(branches, pk=_int(request.GET["org"]))
    elif branches.count() == 1:
        branch = branches.get()
    kind = request.GET.get("kind", "")
    group = None
    if branch is not None and kind == MeetingKind.GROUP and request.GET.get("group"):
        group = get_object_or_404(Organization.objects.active().filter(kind=OrgKind.GROUP, parent=branch),
                                  pk=_int(request.GET["group"]))
    if branch is None or kind not in MeetingKind.values or (kind == MeetingKind.GROUP and group is None):
        groups = Organization.objects.active().filter(kind=OrgKind.GROUP, parent=branch) if branch else []
        return render(request, "members/orglife/meeting_choose.html", {
            "branches": branches if branch is None else None, "branch": branch, "groups": groups,
            "kinds": [k for k in MeetingKind if k != MeetingKind.GROUP],
        })
    today = timezone.localdate()
    meeting = Meeting(organization=branch, party_group=group, kind=kind, held_on=today)
    form = MeetingForm(request.POST or None, instance=meeting, initial={"held_on": today})
    day = _posted_date(request, today)
    members = list(orglife.candidates(branch, day, group))
    rows = _rows(members, orglife.default_marks(meeting, members))
    done, saved = _save(request, form, meeting, rows)
    if done:
        messages.success(request, f"已登记{saved.get_kind_display()}“{saved.topic}”。")
        return redirect("members:meeting_detail", saved.pk)
    title = f"登记{MeetingKind(kind).label}：{group.name if group else branch.name}"
    return _meeting_page(request, meeting, form, rows, title)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _posted_date(request, default):
    """The meeting date of a POST (the list of members depends on it), or `default`."""
    if request.method != "POST":
        return default
    try:
        day = datetime.date.fromisoformat(request.POST.get("held_on", ""))
    except ValueError:
        return default
    return day if MIN_DATE <= day <= MAX_DATE else default


def _visible_meetings(request):
    return Meeting.objects.visible_to(request.user).select_related("organization", "party_group")


def meeting_detail(request, pk):
    meeting = get_object_or_404(_visible_meetings(request), pk=pk)
    rows = list(meeting.attendance.select_related("member", "member__party_group")
                .order_by("-present", "member__name_pinyin"))
    return render(request, "members/orglife/meeting_detail.html", {
        "meeting": meeting, "rows": rows,
        "present": sum(r.present for r in rows), "absent": sum(not r.present for r in rows),
        "can_edit": orglife.may_record(request.user, meeting.organization),
        "history": audit.history(meeting)[:50],
    })


def meeting_edit(request, pk):
    meeting = get_object_or_404(_visible_meetings(request), pk=pk)
    if not orglife.may_record(request.user, meeting.organization):
        raise PermissionDenied
    marked = {a.member_id: a for a in meeting.attendance.select_related("member", "member__party_group")}
    form = MeetingForm(request.POST or None, instance=meeting)
    day = _posted_date(request, meeting.held_on)
    members = {m.pk: m for m in orglife.candidates(meeting.organization, day, meeting.party_group)}
    members.update({pk: a.member for pk, a in marked.items()})
    ordered = sorted(members.values(), key=lambda m: (m.party_group.name if m.party_group else "", m.name_pinyin))
    rows = _rows(ordered, {pk: "present" if a.present else "absent" for pk, a in marked.items()})
    for r in rows:
        a = marked.get(r["member"].pk)
        if a is not None and not a.present:
            r["reason"], r["note"] = a.absence_reason, a.absence_note
    done, saved = _save(request, form, meeting, rows)
    if done:
        messages.success(request, "修改已保存。")
        return redirect("members:meeting_detail", saved.pk)
    return _meeting_page(request, meeting, form, rows, f"编辑：{meeting}")


def meeting_delete(request, pk):
    meeting = get_object_or_404(_visible_meetings(request), pk=pk)
    if not orglife.may_record(request.user, meeting.organization):
        raise PermissionDenied
    form = DeleteForm(request.POST or None)
    done, _ = form.perform(request, lambda cd: orglife.delete_meeting(request.user, meeting, cd["reason"]))
    if done:
        messages.success(request, "会议记录已删除，相关党员的最近联系日期已重新计算。")
        return redirect("members:meetings")
    return render(request, "members/orglife/meeting_delete.html", {"form": form, "meeting": meeting})


# -- the quarter's 三会一课 ---------------------------------------------------------------------

class SummaryForm(ServiceErrorsMixin, forms.Form):
    org = forms.ModelChoiceField(label="党组织", queryset=Organization.objects.none(), required=False,
                                 error_messages={"invalid_choice": "所选党组织不存在或不在您的管理范围内。"})
    year = forms.TypedChoiceField(label="年度", coerce=int, required=False,
                                  error_messages={"invalid_choice": "年度无效。"})
    quarter = forms.TypedChoiceField(label="季度", coerce=int, required=False,
                                     choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)],
                                     error_messages={"invalid_choice": "季度应为第1至第4季度。"})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = (Organization.objects.visible_to(user).exclude(kind=OrgKind.GROUP)
                                       .order_by("path"))
        self.fields["org"].empty_label = None
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, f"{y}年") for y in range(this_year, 1999, -1)]


def _default_org(user):
    for g in user.grant_list:
        if g.organization.kind != OrgKind.GROUP:
            return g.organization
    return Organization.objects.filter(parent=None).first() if user.is_superuser else None


def _summary(request):
    """(form, org, year, q, branches, summary, grid) of the summary's GET parameters; org None: bad."""
    year, q = orglife.quarter_of(timezone.localdate())
    default = _default_org(request.user)
    data = {"org": default.pk if default else "", "year": year, "quarter": q, **request.GET.dict()}
    form = SummaryForm(data, user=request.user)
    if not form.is_valid() or form.cleaned_data["org"] is None:
        return form, None, year, q, [], {}, None
    org = form.cleaned_data["org"]
    year, q = form.cleaned_data["year"] or year, form.cleaned_data["quarter"] or q
    branches = orglife.summary_branches(org, year, q)
    summary = orglife.quarter_summary(branches, year, q)
    return form, org, year, q, branches, summary, orglife.summary_grid(org, branches, summary, year, q)


def summary(request):
    form, org, year, q, branches, data, grid = _summary(request)
    finished = grid is not None and orglife.placements.quarter(year, q)[1] < timezone.localdate()
    short = [(b, orglife.shortfalls(data[b.pk], finished)) for b in branches]
    return render(request, "members/orglife/summary.html", {
        "form": form, "org": org, "year": year, "quarter": q, "grid": grid,
        "short": [(b, s) for b, s in short if s], "expect": orglife.EXPECT_TEXT, "finished": finished,
    })


def summary_export(request, fmt):
    form, org, year, q, branches, data, grid = _summary(request)
    if grid is None:
        raise Http404
    buf = io.BytesIO()
    content_type, render_doc = exports.FORMATS[fmt]
    render_doc(grid, None, buf)
    name = exports.file_name("三会一课", fmt, unit=org.name, filters=[f"{year}年第{q}季度"], rows=len(branches),
                             row_word="个党支部")
    with transaction.atomic():
        audit.record(request.user, org, audit.Action.EXPORT,
                     reason=f"导出{exports.FORMAT_NAMES[fmt]}《{name}》，共 {len(branches)} 个党支部")
    return exports.attachment(buf.getvalue(), name, content_type)
