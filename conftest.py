"""A small county shared by the whole suite: two committees, sibling branches, members, one user
per role (and a secretary of a sibling branch, to prove scoping), and a person with two grants in
different committees."""

import datetime
import itertools
from types import SimpleNamespace

import pytest

from accounts.models import Grant, Role, User
from branches import services as org_services
from branches.choices import OrgCategory, OrgKind, Sector
from members import idcard
from members import services as member_services
from members.choices import Category, JobCategory
from members.models import Member

PASSWORD = "test-pass-123"
_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings, tmp_path):
    """Tests run background tasks at once, and keep their files in a temporary folder."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_id(birth, female=False, region="320981"):
    """A valid 18-character citizen ID for `birth` (unique per call)."""
    seq = next(_serial)
    order = (seq % 500) * 2 + (0 if female else 1)
    region = f"{int(region) + seq // 500:06d}"
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    return first17 + idcard.check_digit(first17)


def make_member(branch, name="张三", *, birth=datetime.date(1980, 5, 1), joined=datetime.date(2005, 7, 1),
                female=False, **fields):
    m = Member(
        name=name, gender="女" if female else "男", birth_date=birth, id_number=make_id(birth, female),
        category=Category.FULL, joined_on=joined, full_member_on=joined.replace(year=joined.year + 1),
        job_category=JobCategory.FARMER, organization=branch, phone="13800000000",
        **fields,
    )
    return member_services.create_member(None, m)  # audited, like every member


def make_org(name, kind, parent, category=OrgCategory.RURAL, sector=Sector.RURAL):
    return org_services.create_organization(
        None, name=name, kind=kind, parent=parent, category=category, sector=sector
    )


def make_user(username, role, org, *more_grants, **extra):
    """A user holding `role` on `org`, and each further (role, org) of `more_grants`."""
    user = User.objects.create_user(username, password=PASSWORD, display_name=username, **extra)
    for r, o in ((role, org), *more_grants):
        Grant.objects.create(user=user, role=r, organization=o)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def county(db):
    """The tree:
    X县委
      ├ 城关镇党委 ── 东街村党支部 (张东一, 张东二, 党小组 东街村第一党小组), 西街村党支部 (李西一)
      └ 青山乡党委 ── 山口村党支部 (王山一)
    """
    c = SimpleNamespace()
    c.root = make_org("X县委", OrgKind.COUNTY, None, OrgCategory.PARTY_GOVERNMENT, Sector.GOVERNMENT)
    c.town = make_org("城关镇党委", OrgKind.COMMITTEE, c.root)
    c.other_town = make_org("青山乡党委", OrgKind.COMMITTEE, c.root)
    c.east = make_org("东街村党支部", OrgKind.BRANCH, c.town)
    c.west = make_org("西街村党支部", OrgKind.BRANCH, c.town)
    c.hill = make_org("山口村党支部", OrgKind.BRANCH, c.other_town)
    c.east_group = make_org("东街村第一党小组", OrgKind.GROUP, c.east)
    c.east1 = make_member(c.east, "张东一", party_group=c.east_group)
    c.east2 = make_member(c.east, "张东二", female=True, birth=datetime.date(1990, 3, 8),
                          joined=datetime.date(2015, 6, 30))
    c.west1 = make_member(c.west, "李西一")
    c.hill1 = make_member(c.hill, "王山一")
    c.admin = make_user("county", Role.COUNTY_ADMIN, c.root)
    c.committee = make_user("committee", Role.COMMITTEE, c.town)
    c.other_committee = make_user("committee2", Role.COMMITTEE, c.other_town)
    c.secretary = make_user("secretary", Role.BRANCH_SECRETARY, c.east)
    c.sibling_secretary = make_user("secretary2", Role.BRANCH_SECRETARY, c.west)
    c.cadre = make_user("cadre", Role.TRACKING_CADRE, c.east)
    # Secretary of 东街村 (城关镇) who also follows 山口村 (青山乡) as a tracking cadre: sees both
    # branches, edits only 东街村's members, sees nothing of 西街村.
    c.two_grants = make_user("two_grants", Role.BRANCH_SECRETARY, c.east, (Role.TRACKING_CADRE, c.hill))
    return c


SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂"


def bulk_members(branch, n, start=0):
    """n valid members in `branch`, created in one query (names 赵伟0001 …)."""
    from members.models import pinyin_key

    rows = []
    for i in range(start, start + n):
        birth = datetime.date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
        name = f"{SURNAMES[i % len(SURNAMES)]}{GIVEN[i % len(GIVEN)]}{i:04d}"
        joined = datetime.date(birth.year + 25, 7, 1)
        rows.append(Member(
            name=name, name_pinyin=pinyin_key(name), gender="男", birth_date=birth,
            id_number=make_id(birth), category=Category.FULL, joined_on=joined,
            full_member_on=joined.replace(year=joined.year + 1), job_category=JobCategory.WORKER,
            organization=branch, phone=f"139{i:08d}",
        ))
    return Member.objects.bulk_create(rows)


def seen(obj):
    """The hidden fields of a form that changes `obj`, as its page would have them now
    (core/concurrency.py): add them to a test's POST."""
    from core.concurrency import newest_entry_id

    obj.refresh_from_db()
    return {"version": obj.version, "seen_entry": newest_entry_id(obj)}


def legacy_transferred_out(member, on):
    """A member recorded as 已转出 before introduction letters were kept (today 已转出 comes only
    from a letter, members/transfers.py): its state and its placement's end, as such records have them."""
    from django.db import transaction

    from members import placements
    from members.choices import RollState
    from members.models import PlacementReason

    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(roll_state=RollState.TRANSFERRED_OUT, roll_state_on=on)
        placements.close_placement(member, on, PlacementReason.TRANSFER_OUT)
    member.refresh_from_db()
    return member


def letter_out(user, member, issued_on=None):
    """An introduction letter out of the county for `member` (members/transfers.py)."""
    from members import transfers

    return transfers.issue_letter(user, member, addressee="某县委组织部", destination="某县某村党支部",
                                  issued_on=issued_on)
