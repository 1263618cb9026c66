"""The roster (党员名册): its columns, its filters, and the one scoped queryset behind the page,
the Excel file and the PDF.

Masked means masked. A role that may not see full ID numbers (`user.can_see_full_ids` is False:
the read-only 跟踪指导责任人) must not be able to rebuild one from what the roster shows or answers.
An ID is region (6 digits) + birth date (8) + sequence (3, the last one odd for men) + check digit.
What such a role is shown, column by column, and why it cannot add up to a number:

- 出生日期 and 性别 are shown: they are ordinary roster columns, and they give away digits 7-14 and
  the parity of digit 17. The mask therefore hides everything else that is not public knowledge:
  it keeps only the first four digits (the city, the same for the whole county) — the earlier mask
  kept the last four as well, which with the birth date left only the county code (guessable) to
  find. What stays unknown is digits 5-6 and 15-17 with the check digit: hundreds of candidates
  even with the county code guessed, and nothing on the site to test a candidate against:
- Search: for these roles a number in the search box matches the phone number only (shown in full
  anyway), never the ID; a query that can only be an ID (more than 11 digits, or with an X) is
  refused with a message, so there is no exact, prefix or substring test of a guessed ID. The
  phone is searchable by every role by the same rule the other way round: every role sees it in
  full (roster, member page, files), so a search by it tells nothing the page does not show. Letters
  search the name's pinyin keys only (search_q), never a number.
- Sort keys: the ID column has none, and `sort=` takes only whitelisted keys (no id_number), so the
  order of rows says nothing about the digits. Sorting by birth date orders by a shown column.
- Filters: none reads the ID; the audit log's search reads names only.
- Files: Excel and PDF use the same filter and the same mask (members/exports.columns_for); the
  member page and the change history show the same mask (members/apps.py registers it).
Roles that see full numbers (editors) search by any part of the ID; on their screen the ID shows
first and last four digits (idcard.screen_mask), only against onlookers: they may open it anyway.
"""

import re
import unicodedata
from dataclasses import replace
from operator import attrgetter
from typing import NamedTuple

from django import forms
from django.db.models import Count, Q

from branches.choices import BRANCH_KINDS, OrgCategory, OrgKind
from branches.forms import ScopedOrganizationField
from branches.models import Organization
from core.documents import Column, Register, labels, pick_columns, rows_of
from core.forms import CleanInputMixin, FixedChoiceField, quick_selects
from core.prepared import Compiled
from core.scoping import collapse, scope_paths, under
from core.validators import SEARCH_MAX, normalize_number

from . import idcard
from .choices import (
    Category,
    Degree,
    Education,
    JobCategory,
    LostContactReason,
    MembershipStatus,
    RollState,
)
from .models import Member


def _label(choices):
    """A choice field's label by its stored value (a dict lookup: get_FOO_display rebuilds a dict of
    the choices on every call, a third of the roster rows' cost)."""
    names = dict(choices)
    return lambda value: names.get(value, value) if value else ""


EDUCATION, DEGREE, CATEGORY = _label(Education.choices), _label(Degree.choices), _label(Category.choices)
JOB, STATUS, LOST = _label(JobCategory.choices), _label(MembershipStatus.choices), _label(LostContactReason.choices)


def C(key, header, fields, value, width, **kw):  # noqa: N802 - reads as a table
    """A roster column; `fields`: the member fields its value reads (one name: the value is that field)."""
    fields = tuple(fields.split())
    if value is None:
        value = attrgetter(fields[0])
    return Column(key, header, value, width, fields=fields, **kw)


COLUMNS = [
    Column("seq", "序号", None, 5, always=True, nowrap=True),
    C("name", "姓名", "name", None, 8, sort="name_pinyin"),
    C("gender", "性别", "gender", None, 4.5, sort="gender"),
    C("ethnicity", "民族", "ethnicity", None, 6, default=False),
    C("birth_date", "出生日期", "birth_date", None, 12.5, sort="birth_date", nowrap=True),
    # screen: the read-only mask; roster_columns gives editors the one with the tail.
    C("id_number", "公民身份号码", "id_number", None, 17, screen=lambda m: idcard.mask(m.id_number), nowrap=True),
    C("native_place", "籍贯", "native_place", None, 8, default=False),
    C("education", "学历", "education", lambda m: EDUCATION(m.education), 8, sort="education", default=False),
    C("degree", "学位", "degree", lambda m: DEGREE(m.degree), 5, default=False),
    C("category", "人员类别", "category", lambda m: CATEGORY(m.category), 8, sort="category"),
    C("joined_on", "入党日期", "joined_on", None, 12.5, sort="joined_on", nowrap=True),
    C("full_member_on", "转正日期", "full_member_on", None, 12.5, sort="full_member_on", default=False,
      nowrap=True),
    C("job_category", "工作岗位", "job_category", lambda m: JOB(m.job_category), 14, sort="job_category"),
    C("work_unit", "工作单位及职务", "work_unit post", lambda m: " ".join(filter(None, [m.work_unit, m.post])), 16,
      default=False),
    C("tech_title", "从事专业技术职务", "tech_title", None, 10, default=False),
    C("new_social_stratum", "新社会阶层类型", "new_social_stratum", None, 10, default=False),
    C("is_migrant_worker", "是否农民工", "is_migrant_worker", None, 6, default=False),
    C("phone", "手机号码", "phone", None, 11.5, nowrap=True),
    C("branch", "所在党支部", "organization__name", lambda m: m.organization.name, 22, sort="organization__path"),
    C("party_group", "所在党小组", "party_group__name",
      lambda m: m.party_group.name if m.party_group_id else "", 16, default=False),
    C("household_registration", "户籍所在地", "household_registration", None, 14, default=False),
    C("residence", "现居住地", "residence", None, 14, default=False),
    C("membership_status", "党籍状态", "membership_status", lambda m: STATUS(m.membership_status), 7,
      default=False),
    C("is_lost_contact", "是否失联党员", "is_lost_contact", None, 6, default=False),
    C("lost_contact_reason", "失去联系情形", "lost_contact_reason", lambda m: LOST(m.lost_contact_reason), 10,
      default=False),
    C("lost_contact_since", "失去联系日期", "lost_contact_since", None, 12.5, default=False, nowrap=True),
    C("is_mobile", "是否流动党员", "is_mobile", None, 6, default=False),
    C("notes", "备注", "notes", None, 12, default=False),
]
# What every page and file of the roster reads besides the columns: whether there is a party group,
# and the branch's path (whose grant covers the member, for the ID mask in files).
ROW_FIELDS = ("party_group_id", "organization__path")
# What the phone's compact list shows whatever the columns (members/templatetags/roster_tags.py).
COMPACT_FIELDS = ("name", "category", "phone", "organization__name")
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
SORTS = {c.key: c.sort for c in COLUMNS if c.sort}
DEFAULT_SORT = "branch"
PAGE_SIZE = 50

NUMBER_QUERY = re.compile(r"[0-9]+X?")  # a search for an ID number or a phone number
SPELLED = re.compile(r"[a-z]+")  # a search by pinyin
SPELLING_MARKS = re.compile(r"[\s'’]+")
PHONE_DIGITS = 11
YES_NO = [("", "全部"), ("yes", "是"), ("no", "否")]


class RosterFilterForm(CleanInputMixin, forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=SEARCH_MAX,
                        widget=forms.TextInput(attrs={"placeholder": "姓名、拼音、身份证或手机号",
                                                                 "type": "search", "autocomplete": "off",
                                                                 "enterkeyhint": "search"}))
    org = ScopedOrganizationField(label="党组织", required=False, empty_label="全部（含下级）",
                                  error_messages={"invalid_choice": "所选党组织不存在或不在您的管理范围内。"})
    category = FixedChoiceField(label="人员类别", choices=[("", "全部"), *Category.choices], required=False)
    job = FixedChoiceField(label="工作岗位", choices=[("", "全部"), *JobCategory.choices], required=False)
    org_category = FixedChoiceField(label="党组织类别", choices=[("", "全部"), *OrgCategory.choices],
                                     required=False)
    mobile = FixedChoiceField(label="流动党员", choices=YES_NO, required=False)
    lost = FixedChoiceField(label="失联党员", choices=YES_NO, required=False)
    state = FixedChoiceField(label="在册状态", choices=[*RollState.choices, ("all", "全部")], required=False)
    sort = forms.CharField(required=False, max_length=50)

    ID_SEARCH_REFUSED = "您的角色看到的公民身份号码是脱敏的，不能按身份证号查询；请按姓名或手机号查询。"

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        quick_selects(self)
        self.fields["org"].set_scope(scope_paths(user))
        self.user = user
        if not user.can_see_full_ids:
            self.fields["q"].widget.attrs["placeholder"] = "姓名、拼音首字母或手机号"

    def clean_q(self):
        """A number can be an ID only for roles that see full IDs (see the module's docstring)."""
        q = (self.cleaned_data.get("q") or "").strip()
        number = normalize_number(q)
        if not self.user.can_see_full_ids and NUMBER_QUERY.fullmatch(number) and (
            len(number) > PHONE_DIGITS or number.endswith("X")
        ):
            raise forms.ValidationError(self.ID_SEARCH_REFUSED)
        return q

    def clean_sort(self):
        """Only whitelisted keys; a leading '-' sorts descending."""
        sort = self.cleaned_data.get("sort") or DEFAULT_SORT
        if sort.lstrip("-") not in SORTS:
            return DEFAULT_SORT
        return sort


def spelled(q):
    """A query typed as pinyin, in the stored keys' form (a-z only), or None: full-width letters
    and capitals fold (ＺＨＭ, Zhm), spaces and apostrophes go (zhang hong mei, xi'an), ü is v."""
    text = unicodedata.normalize("NFKC", q).lower().replace("ü", "v")
    text = SPELLING_MARKS.sub("", text)
    return text if SPELLED.fullmatch(text) else None


def after_prefix(text):
    """The first a-z string after every string that starts with `text` ("zhm" → "zhn", "az" → "b";
    None after "zz…"). Both bounds a-z: every collation orders such strings alike."""
    text = text.rstrip("z")
    return text[:-1] + chr(ord(text[-1]) + 1) if text else None


def prefix_q(field, text):
    q = Q(**{f"{field}__gte": text})
    upper = after_prefix(text)
    return q & Q(**{f"{field}__lt": upper}) if upper else q


def search_q(q):
    """A query that is not a number: pinyin initials (zhm) or pinyin (zhanghongmei, zhang hong
    mei) match a prefix of the name's keys (Member.name_keys; two index ranges), anything else a
    part of the name."""
    text = spelled(q)
    if text:
        return prefix_q("name_initials", text) | prefix_q("name_spelled", text)
    return Q(name__contains=q)


def ordering(sort):
    desc = sort.startswith("-")
    field = SORTS[sort.lstrip("-")]
    return [f"-{field}" if desc else field, "-pk" if desc else "pk"]


class RosterQuery(NamedTuple):
    """Everything the roster's rows depend on, as plain values: the user's scope and what the
    filters chose. `roster_members(query)` reads nothing else, so a query is a safe key for the SQL
    compiled for it (ROSTER_ROWS: the same query, the same SQL and parameters)."""

    paths: tuple[str, ...]  # the user's scope (core.scoping.collapse of its paths)
    full_ids: bool  # whether a number searches the ID as well as the phone
    state: str = RollState.ON_ROLL.value
    q: str = ""
    org: tuple | None = None  # the chosen organization: (pk, path, is_group)
    category: str = ""
    job: str = ""
    org_category: str = ""
    mobile: str = ""
    lost: str = ""
    sort: str = DEFAULT_SORT
    nothing: bool = False  # an invalid organization or search: no rows, never all rows


def roster_query(user, data):
    """(RosterQuery, form): `user`'s scope and the filters of `data` (a GET QueryDict or dict).

    An invalid filter value does not widen the list: the form reports it and the list is empty
    only for the wrong field's part (an unknown organization gives no rows, never all rows)."""
    form = RosterFilterForm(user, data or None)
    scope = {"paths": tuple(collapse(scope_paths(user))), "full_ids": bool(user.can_see_full_ids)}
    if not data:
        return RosterQuery(**scope), form
    if not form.is_valid() and ("org" in form.errors or "q" in form.errors):
        return RosterQuery(**scope, nothing=True), form
    cd = form.cleaned_data
    org = cd.get("org")
    return RosterQuery(
        **scope, state=str(cd.get("state") or RollState.ON_ROLL), q=(cd.get("q") or "").strip(),
        org=(org.pk, org.path, org.is_group) if org else None,
        **{name: cd.get(name) or "" for name in ("category", "job", "org_category", "mobile", "lost")},
        sort=cd.get("sort") or DEFAULT_SORT,
    ), form


def roster_members(query):
    """The members of a RosterQuery, in its order (built from the query alone: see RosterQuery)."""
    qs = Member.objects.within(query.paths).select_related("organization", "party_group")
    if query.nothing:
        return qs.none()
    if query.state != "all":
        qs = qs.filter(roll_state=query.state)
    if query.q:
        number = normalize_number(query.q)  # ３２０… and ٣٢٠… find 320…
        if NUMBER_QUERY.fullmatch(number) and not query.full_ids:
            qs = qs.filter(phone__contains=number)  # never the ID: see the module's docstring
        elif NUMBER_QUERY.fullmatch(number):
            qs = qs.filter(Q(id_number__contains=number) | Q(phone__contains=number))
        else:
            qs = qs.filter(search_q(query.q))
    if query.org:
        pk, path, is_group = query.org
        if is_group:  # a party group's members are in its branch, not under it
            qs = qs.filter(party_group_id=pk)
        else:
            qs = qs.filter(under("organization__path", path))
    if query.category:
        qs = qs.filter(category=query.category)
    if query.job:
        qs = qs.filter(job_category=query.job)
    if query.org_category:
        qs = qs.filter(organization__category=query.org_category)
    for value, field in ((query.mobile, "is_mobile"), (query.lost, "is_lost_contact")):
        if value:
            qs = qs.filter(**{field: value == "yes"})
    if SORTS[query.sort.lstrip("-")] == "organization__path":
        # A no-op bound on the path lets SQLite walk the organizations in path order and stop after
        # one page (0.05 ms), instead of sorting every member of the county (80 ms on 30,000).
        qs = qs.filter(organization__path__gte="")
    return qs.order_by(*ordering(query.sort))


# The roster page's count and page of Rows, by (RosterQuery, fields): compiled once per connection.
ROSTER_ROWS = Compiled(lambda query, fields: rows_of(roster_members(query), fields))


def filter_members(user, data):
    """(queryset, form): the members `user` may see, filtered by `data` (roster_query, roster_members)."""
    query, form = roster_query(user, data)
    return roster_members(query), form


class TreeNode:
    """One organization of the roster's tree: its members on the roll over its subtree."""

    __slots__ = ("pk", "name", "path", "count", "children")

    def __init__(self, pk, name, path):
        self.pk, self.name, self.path, self.count, self.children = pk, name, path, 0, []


def org_tree(user):
    """The organizations `user` sees (active, without party groups: a branch is a leaf), nested,
    each with its members on the roll counted over its subtree: two queries (the organizations as
    three columns; one count grouped by branch, read from the (roll_state, organization) index),
    whatever the tree's size. [] when there is nothing to choose (one branch): known without a query
    for a user whose grants are on one branch (a 党支部 has only party groups below it), the branch
    secretary of most requests."""
    if not user.is_superuser and len({g.organization_id for g in user.grant_list}) < 2 and all(
        g.organization.kind in BRANCH_KINDS for g in user.grant_list
    ):
        return []
    rows = (Organization.objects.visible_to(user).active().exclude(kind=OrgKind.GROUP)
            .order_by("path").values_list("pk", "name", "path"))
    nodes = {path: TreeNode(pk, name, path) for pk, name, path in rows}
    if len(nodes) < 2:
        return []
    by_pk = {n.pk: n for n in nodes.values()}
    counts = (Member.objects.on_roll().filter(organization_id__in=list(by_pk)).order_by()
              .values_list("organization_id").annotate(n=Count("pk")))
    for org_id, n in counts:
        path = by_pk[org_id].path
        while path:  # the branch and each ancestor the user sees: "000001.000004." → "000001."
            node = nodes.get(path)
            if node is not None:
                node.count += n
            path = path[:path.rstrip(".").rfind(".") + 1]
    roots = []
    for path, node in nodes.items():  # in path order: a parent before its children
        parent = None
        while path and parent is None:  # the nearest ancestor shown (a dissolved one is not)
            path = path[:path.rstrip(".").rfind(".") + 1]
            parent = nodes.get(path)
        (parent.children if parent is not None else roots).append(node)
    return roots


def roster_columns(user, keys):
    """The ticked columns for the page: editors see the ID with its tail (screen_mask), other
    roles the column's own read-only mask."""
    columns = pick_columns(COLUMNS, keys)
    if not user.can_see_full_ids:
        return columns
    return [replace(c, screen=lambda m: idcard.screen_mask(m.id_number)) if c.key == "id_number" else c
            for c in columns]


# How a filter is named under a printed roster's title, when it differs from the form's label.
FILTER_LABELS = {"mobile": "是否流动党员", "lost": "是否失联党员"}


def chosen_filters(form):
    """[(label, chosen value)] of the filters that narrow the list (the organization is named by the
    unit line; the default 在册 state and the sort order narrow nothing)."""
    if not form.is_bound:
        return []
    form.is_valid()  # an invalid field narrows nothing (filter_members leaves it out): not named
    out = []
    for name in ("q", "category", "job", "org_category", "mobile", "lost", "state"):
        value = form.cleaned_data.get(name)
        if not value or (name == "state" and value == RollState.ON_ROLL):
            continue
        field = form.fields[name]
        shown = dict(field.choices).get(value, value) if hasattr(field, "choices") else value
        out.append((FILTER_LABELS.get(name, field.label), str(shown).strip()))
    return out


def roster_document(user, form, columns):
    """The roster's frame: its unit line names the filtered organization, else the user's own, with
    that organization's seal and signer (党支部, 党委, 党工委, 党总支, 党小组, 县委组织部), and the
    filters under the title."""
    org = form.cleaned_data.get("org") if form.is_bound and form.is_valid() else None
    if org is None and len(user.grant_list) == 1:
        org = user.grant_list[0].organization
    return Register(
        title="党员名册", columns=columns, unit_name=org.name if org else "",
        # several grants and no organization chosen: no one unit seals the list
        signatory=labels.signatory(org.kind) if org else labels.UNIT, filters=chosen_filters(form),
    )
