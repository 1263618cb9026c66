"""The demo logins (DEMO_ACCOUNTS), the step that creates them with their grants, and the table of
logins the command prints."""

import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from accounts.models import Grant, Role

from . import steps

DEMO_PASSWORD = "demo12345"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    # (role, organization name in the demo county; "" = the county committee), one per grant
    grants: tuple
    superuser: bool = False

    @property
    def role(self):
        return self.grants[0][0]


DEMO_ACCOUNTS = [
    DemoAccount("admin", "系统管理员", ((Role.COUNTY_ADMIN, ""),), superuser=True),
    DemoAccount("county", "刘建华", ((Role.COUNTY_ADMIN, ""),)),
    DemoAccount("committee", "陈志强", ((Role.COMMITTEE, "城关镇党委"),)),
    DemoAccount("committee2", "王海燕", ((Role.COMMITTEE, "县直机关工委"),)),
    DemoAccount("secretary", "张红梅", ((Role.BRANCH_SECRETARY, "城关镇红旗村党支部"),)),
    DemoAccount("secretary2", "李国强", ((Role.BRANCH_SECRETARY, "城关镇东风村党支部"),)),
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


def account_rows(county_name):
    """角色 | 用户名 | 密码 | 所在党组织, one row per demo login (roles and organizations of
    several grants joined with 、)."""
    rows = []
    for a in DEMO_ACCOUNTS:
        roles = "、".join(dict.fromkeys(str(Role(r).label) for r, _ in a.grants))
        orgs = "、".join(org or f"{county_name}委" for _, org in a.grants)
        rows.append([roles + ("（超级管理员）" if a.superuser else ""), a.username, DEMO_PASSWORD, orgs])
    return rows




@steps.step(30, "账号和授权")
def create_accounts(ctx):
    """Create the demo logins with their grants; a username that already exists is left alone
    (ctx.skipped_users). ctx.users: every demo login."""
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    for a in DEMO_ACCOUNTS:
        if User.objects.filter(username=a.username).exists():
            ctx.skipped_users.append(a.username)
            continue
        user = User.objects.create(
            username=a.username, password=password, display_name=a.display_name,
            phone=ctx.builder.phone(), is_superuser=a.superuser, is_staff=a.superuser,
        )
        Grant.objects.bulk_create([Grant(user=user, role=role, organization=ctx.org(org)) for role, org in a.grants])
    ctx.users.update((u.username, u) for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]))
