"""The mobile-member ledger (流动党员台账): one column list per direction, rendered as the page, the
Excel sheet and the PDF (core/documents), from one scoped queryset.

The out-flow columns are FORMS.md's, in its order. The in-flow ledger mirrors them for a person who
came here: where from, the organization that holds the relationship, the local branch.

党费交至年月 is the dues capability's `DuesAccount.paid_up_to` (members/dues.py keeps it), annotated on
the ledger's queryset (`PAID_UNTIL`) so the page and the files stay at a constant number of queries;
an in-flow person pays dues to the home organization: blank.
"""

from dataclasses import replace

from django import forms
from django.db.models import F, Q

from branches.forms import TreeChoiceIterator
from branches.models import Organization
from core import exports
from core.documents import Column, Register, labels
from core.forms import CleanInputMixin, quick_selects
from core.scoping import covers, under
from core.validators import SEARCH_MAX

from . import idcard
from .choices import RollState
from .models import MobilePeriod
from .models.mobile import Direction

PAGE_SIZE = 50
PAID_UNTIL = lambda: F("member__dues_account__paid_up_to")  # noqa: E731  (annotated as `paid_until`)


def _person(p):
    return p.member if p.member_id else p


def _category(p):
    return _person(p).get_category_display()


def _id(p):
    return _person(p).id_number


def _phone_and(name, phone):
    return " ".join(filter(None, [name, phone]))


def _relation(p):
    """组织关系状态: an out-flowing member's relationship is still here unless transferred out."""
    if p.member_id and p.member.roll_state == RollState.TRANSFERRED_OUT:
        return "已转移"
    return "未转移"


def _paid_until(p):
    v = getattr(p, "paid_until", None)
    return f"{v.year}年{v.month}月" if hasattr(v, "year") else (v or "")


def _common(place_header, org_header, org_value, start_header, reason_header, contact_header, end_header):
    return [
        Column("seq", "序号", None, 4.5, always=True, nowrap=True),
        Column("name", "姓名", lambda p: _person(p).name, 7, nowrap=True),
        Column("gender", "性别", lambda p: _person(p).gender, 4),
        Column("id_number", "公民身份号码", _id, 17, screen=lambda p: idcard.mask(_id(p)), nowrap=True),
        Column("joined_on", "入党时间", lambda p: _person(p).joined_on, 11, nowrap=True),
        Column("category", "人员类别", _category, 7),
        Column("org", org_header, org_value, 14),
        Column("original_job", "原职业", lambda p: p.get_original_job_display(), 8),
        Column("started_on", start_header, lambda p: p.started_on, 11, nowrap=True),
        Column("reason", reason_header, lambda p: p.reason, 9),
        Column("place", place_header, lambda p: p.place, 12),
        Column("employer", "务工（就业）单位", lambda p: p.employer, 12),
    ], [
        Column("contact", contact_header, lambda p: _phone_and(p.contact_person, p.contact_phone), 12),
        Column("phone", "本人联系电话", lambda p: p.member.phone if p.member_id else p.phone, 11.5, nowrap=True),
        Column("card_number", "活动证号", lambda p: p.card_number, 9, nowrap=True),
        Column("relation", "组织关系状态（未转移／已转移）", _relation, 7),
        Column("last_report_on", "最近一次汇报日期", lambda p: p.last_report_on, 11, nowrap=True),
        Column("paid_until", "党费交至年月", _paid_until, 8, nowrap=True),
        Column("ended_on", end_header, lambda p: p.ended_on, 11, nowrap=True),
        Column("notes", "备注", lambda p: p.notes, 10),
    ]


_out_head, _out_tail = _common("流入地（省/市/县）", "所在党支部", lambda p: p.member.organization.name, "外出时间",
                               "流出原因", "流入地联系人及电话", "返回时间")
OUT_COLUMNS = [*_out_head, Column("host_org", "流入地党组织", lambda p: p.host_org, 12), *_out_tail]
_in_head, _in_tail = _common("流出地（省/市/县）", "组织关系所在党组织", lambda p: p.home_org, "流入时间", "流入原因",
                             "单位或社区联系人及电话", "离开时间")
IN_COLUMNS = [*_in_head, Column("host_org", "参加组织生活的党支部", lambda p: p.organization.name, 12), *_in_tail]
COLUMNS = {Direction.OUT: OUT_COLUMNS, Direction.IN: IN_COLUMNS}
TITLES = {Direction.OUT: "流动党员台账（流出）", Direction.IN: "流动党员台账（流入）"}
STATES = [("current", "正在流动"), ("ended", "已结束"), ("all", "全部")]


class LedgerFilterForm(CleanInputMixin, forms.Form):
    direction = forms.ChoiceField(label="流向", choices=Direction.choices, required=False)
    state = forms.ChoiceField(label="状态", choices=STATES, required=False)
    org = forms.ModelChoiceField(label="党组织", queryset=Organization.objects.none(), required=False,
                                 empty_label="全部（含下级）",
                                 error_messages={"invalid_choice": "所选党组织不存在或不在您的管理范围内。"})
    q = forms.CharField(label="姓名", required=False, max_length=SEARCH_MAX)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        quick_selects(self)
        self.fields["org"].iterator = TreeChoiceIterator
        self.fields["org"].queryset = Organization.objects.visible_to(user).active().exclude(kind="group")


def ledger(user, data):
    """(queryset, form, direction): the periods `user` may see, filtered by `data`. An invalid
    organization gives no rows, never all rows."""
    form = LedgerFilterForm(user, data or None)
    valid = form.is_valid() if data else True
    cd = form.cleaned_data if data else {}
    direction = Direction(cd.get("direction") or Direction.OUT)
    qs = (MobilePeriod.objects.visible_to(user).filter(direction=direction)
          .select_related("member__organization", "organization"))
    if PAID_UNTIL is not None:
        qs = qs.annotate(paid_until=PAID_UNTIL())
    if data and not valid and ("org" in form.errors or "q" in form.errors):
        return qs.none(), form, direction
    state = cd.get("state") or "current"
    if state == "current":
        qs = qs.filter(ended_on__isnull=True)
    elif state == "ended":
        qs = qs.filter(ended_on__isnull=False)
    if direction == Direction.OUT and state == "current":
        qs = qs.filter(member__roll_state=RollState.ON_ROLL)  # no longer ours: not 正在流动 here
    org = cd.get("org")
    if org is not None:
        path = "member__organization__path" if direction == Direction.OUT else "organization__path"
        qs = qs.filter(under(path, org.path))
    q = (cd.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(member__name__contains=q) | Q(member__isnull=True, name__contains=q))
    if direction == Direction.OUT:
        order = ["member__organization__path", "member__name_pinyin", "started_on", "pk"]
    else:
        order = ["organization__path", "name", "started_on", "pk"]
    return qs.order_by(*order), form, direction


def columns_for(user, direction, screen=False):
    """The direction's columns; the ID number whole only where an editor grant covers the row's
    branch (masked elsewhere, in files as on screen). Editors see the tail on screen."""
    columns = COLUMNS[direction]
    paths = user.editor_paths

    def whole(p):
        return covers(paths, p.branch.path)

    if screen:
        id_col = lambda c: replace(c, screen=lambda p: idcard.screen_mask(_id(p)) if whole(p) else c.screen(p))  # noqa: E731
    else:
        id_col = lambda c: replace(c, value=lambda p: _id(p) if whole(p) else c.screen(p))  # noqa: E731
    return [id_col(c) if c.key == "id_number" else c for c in columns]


def chosen_filters(form, direction):
    if not form.is_bound:
        return []
    form.is_valid()
    out = []
    state = form.cleaned_data.get("state") or "current"
    out.append(("状态", dict(STATES)[state]))
    if form.cleaned_data.get("q"):
        out.append(("姓名", form.cleaned_data["q"]))
    return out


def document(user, form, direction, columns):
    org = form.cleaned_data.get("org") if form.is_bound and form.is_valid() else None
    if org is None and len(user.grant_list) == 1:
        org = user.grant_list[0].organization
    return Register(
        title=TITLES[direction], columns=columns, unit_name=org.name if org else "",
        signatory=labels.signatory(org.kind) if org else labels.UNIT, filters=chosen_filters(form, direction),
        min_wrap_em=4,  # 21 columns: places and employers readable, on a smaller font or A3 if need be
    ), org


def describe(form, direction):
    cd = form.cleaned_data if form.is_bound and form.is_valid() else {}
    parts = [f"流向：{direction.label}", f"状态：{dict(STATES)[cd.get('state') or 'current']}"]
    if cd.get("org"):
        parts.append(f"党组织：{cd['org'].name}")
    if cd.get("q"):
        parts.append(f"姓名：{cd['q']}")
    return "；".join(parts)


@exports.register("mobile_ledger")
def export(user, params):
    from .exports import _querydict

    data = _querydict(params)
    qs, form, direction = ledger(user, data)
    doc, org = document(user, form, direction, columns_for(user, direction))
    return exports.Spec(doc=doc, rows=qs, stem=TITLES[direction], scope=org, description=describe(form, direction),
                        row_word="人")
