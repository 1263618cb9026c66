"""The demo logins (DEMO_ACCOUNTS), the step that creates them with their grants, and the table of
logins the command prints."""

import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import Q

from accounts.models import Grant, Role
from branches.choices import OfficerPost
from branches.models import Officer
from members.choices import Category, Gender
from members.models import Member, add_years, pinyin_key

from . import steps

DEMO_PASSWORD = "demo12345"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    # (role, organization name in the demo county; "" = the county committee), one per grant
    grants: tuple
    superuser: bool = False
    gender: str = ""  # a branch secretary's: the member of the branch recorded as its 书记

    @property
    def role(self):
        return self.grants[0][0]


DEMO_ACCOUNTS = [
    DemoAccount("admin", "系统管理员", ((Role.COUNTY_ADMIN, ""),), superuser=True),
    DemoAccount("county", "刘建华", ((Role.COUNTY_ADMIN, ""),)),
    DemoAccount("committee", "陈志强", ((Role.COMMITTEE, "城关镇党委"),)),
    DemoAccount("committee2", "王海燕", ((Role.COMMITTEE, "县直机关工委"),)),
    DemoAccount("secretary", "张红梅", ((Role.BRANCH_SECRETARY, "城关镇红旗村党支部"),), gender=Gender.FEMALE),
    DemoAccount("secretary2", "李国强", ((Role.BRANCH_SECRETARY, "城关镇东风村党支部"),), gender=Gender.MALE),
    # A tracking cadre follows a few pilot units, in different committees.
    DemoAccount("cadre", "赵文斌", ((Role.TRACKING_CADRE, "县人民医院党总支"),
                                   (Role.TRACKING_CADRE, "县第一中学党总支"),
                                   (Role.TRACKING_CADRE, "县公安局党总支"))),
    # An organization-department clerk who is also the tracking cadre of a unit.
    DemoAccount("clerk", "孙丽娟", ((Role.COUNTY_ADMIN, ""), (Role.TRACKING_CADRE, "城关镇红旗村党支部"))),
]


def display_width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def format_table(headers, rows):
    """A plain-text table whose columns line up with Chinese text (two cells per character)."""
    table = [[str(c) for c in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(display_width(row[i]) for row in table) for i in range(len(headers))]

    def line(cells):
        return "  ".join(c + " " * (w - display_width(c)) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(table[0]), "  ".join("-" * w for w in widths), *map(line, table[1:])])


def account_rows(county_name, org_names=None):
    """角色 | 用户名 | 密码 | 所在党组织, one row per demo login (roles and organizations of
    several grants joined with 、). `org_names`: {username: [organization names]} as granted in the
    database (a split branch's first part), over the names in DEMO_ACCOUNTS."""
    rows = []
    for a in DEMO_ACCOUNTS:
        roles = "、".join(dict.fromkeys(str(Role(r).label) for r, _ in a.grants))
        orgs = "、".join((org_names or {}).get(a.username) or [org or f"{county_name}委" for _, org in a.grants])
        rows.append([roles + ("（超级管理员）" if a.superuser else ""), a.username, DEMO_PASSWORD, orgs])
    return rows



def granted_org_names():
    """{username: [organization names]} of the demo logins in the database, in grant order."""
    names = {}
    grants = Grant.objects.filter(user__username__in=[a.username for a in DEMO_ACCOUNTS]).order_by("pk")
    for username, org in grants.values_list("user__username", "organization__name"):
        names.setdefault(username, []).append(org)
    return names


@steps.step(30, "账号和授权")
def create_accounts(ctx):
    """Create the demo logins with their grants; a username that already exists is left alone
    (ctx.skipped_users). ctx.users: every demo login."""
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    for a in DEMO_ACCOUNTS:
        if a.role == Role.BRANCH_SECRETARY:
            make_secretary(ctx.org(a.grants[0][1]), a.display_name, a.gender, ctx.today)
        if User.objects.filter(username=a.username).exists():
            ctx.skipped_users.append(a.username)
            continue
        user = User.objects.create(
            username=a.username, password=password, display_name=a.display_name,
            phone=ctx.builder.phone(), is_superuser=a.superuser, is_staff=a.superuser,
        )
        Grant.objects.bulk_create([Grant(user=user, role=role, organization=ctx.org(org)) for role, org in a.grants])
    ctx.users.update((u.username, u) for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]))


def make_secretary(branch, name, gender, today):
    """The branch's recorded 书记 becomes the member `name` of the branch: its current 书记 if
    of that gender, else a full member of working age on the roll who holds no other post; the
    member and the officer take the name (the ID number, and so the gender, stay the member's)."""
    officer = Officer.objects.filter(organization=branch, post=OfficerPost.SECRETARY).first()
    candidates = list(
        Member.objects.on_roll().filter(
            organization=branch, category=Category.FULL, gender=gender, is_lost_contact=False, is_mobile=False,
        ).order_by("pk")
    )
    if officer is None or not candidates:
        return None
    posts = Officer.objects.filter(Q(organization=branch) | Q(organization__parent=branch))
    others = set(posts.exclude(pk=officer.pk).values_list("name", flat=True))
    young = add_years(today, -60)
    member = (
        next((m for m in candidates if m.name == officer.name), None)
        or next((m for m in candidates if m.birth_date > young and m.name not in others), None)
        or candidates[0]
    )
    if member.name == officer.name:  # also a group leader, say: that post follows the name
        posts.filter(name=member.name).update(name=name)
    member.name, member.name_pinyin = name, pinyin_key(name)
    member.save(update_fields=["name", "name_pinyin"])
    officer.name, officer.phone = name, member.phone or officer.phone
    officer.save(update_fields=["name", "phone"])
    return member
