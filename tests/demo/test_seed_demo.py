"""seed_demo builds a county whose every record keeps the rules, and never builds it twice."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from accounts.models import ROLE_ORG_KINDS, Role, User
from branches.choices import BRANCH_KINDS, COMMITTEE_KINDS, OrgKind
from branches.models import PATH_SEGMENT, Officer, Organization
from demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from members import idcard
from members.choices import Category, RollState
from members.models import Member, pinyin_key

MEMBERS = 300


def seed(**options):
    out = io.StringIO()
    call_command("seed_demo", members=MEMBERS, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    return seed()


def test_builds_a_county_tree(seeded):
    county = Organization.objects.get(parent=None)
    assert county.kind == OrgKind.COUNTY
    assert county.name == settings.COUNTY_NAME + "委"
    orgs = Organization.objects.all()
    assert 10 <= orgs.filter(kind__in=COMMITTEE_KINDS).count() <= 14
    assert 130 <= orgs.filter(kind__in=BRANCH_KINDS).count() <= 170
    assert orgs.filter(kind=OrgKind.GENERAL_BRANCH).exists()
    assert orgs.filter(kind=OrgKind.JOINT_BRANCH).exists()
    assert orgs.filter(kind=OrgKind.TEMP_BRANCH).exists()
    assert not orgs.filter(kind=OrgKind.GROUP).exists()  # too few members for 党小组 (test_county.py)
    assert not orgs.filter(kind=OrgKind.GROUP).exclude(parent__kind__in=BRANCH_KINDS).exists()


def test_paths_and_depths_are_those_of_create_organization(seeded):
    by_pk = {o.pk: o for o in Organization.objects.all()}
    for org in by_pk.values():
        parent = by_pk.get(org.parent_id)
        assert org.path == (parent.path if parent else "") + f"{org.pk:0{PATH_SEGMENT}d}."
        assert org.depth == (parent.depth + 1 if parent else 0)


def test_every_organization_has_a_secretary_or_leader(seeded):
    for org in Organization.objects.prefetch_related("officers"):
        posts = {o.post for o in org.officers.all()}
        assert ("leader" if org.is_group else "secretary") in posts, org.name
        if org.is_branch:
            assert {"organization", "propaganda"} <= posts
    assert not Officer.objects.filter(name="").exists()


def test_every_member_keeps_the_rules(seeded):
    members = list(Member.objects.select_related("organization", "party_group"))
    assert len(members) == MEMBERS
    for m in members:
        m.full_clean()
        assert m.name_pinyin == pinyin_key(m.name)
    ids = [m.id_number for m in members]
    assert len(set(ids)) == len(ids)
    assert all(idcard.check_digit(i[:17]) == i[17] for i in ids)
    assert any(m.category == Category.PROBATIONARY for m in members)
    assert any(m.roll_state != RollState.ON_ROLL for m in members)


def test_demo_accounts(seeded):
    users = {u.username: u for u in User.objects.all()}
    assert set(users) == {a.username for a in DEMO_ACCOUNTS}
    for a in DEMO_ACCOUNTS:
        user = users[a.username]
        assert [(g.role, g.organization.name) for g in user.grant_list] == sorted(
            [(r, o or "X县委") for r, o in a.grants], key=lambda ro: Organization.objects.get(name=ro[1]).path)
        for g in user.grant_list:
            assert g.organization.kind in ROLE_ORG_KINDS[Role(g.role)]
        assert user.check_password(DEMO_PASSWORD)
        assert user.is_superuser == a.superuser

    def only(username):
        (grant,) = users[username].grant_list
        return grant.organization

    assert only("county").parent is None
    assert only("committee").name.endswith("镇党委")
    secretary, sibling = only("secretary"), only("secretary2")
    assert secretary != sibling
    assert secretary.parent_id == sibling.parent_id == only("committee").pk
    assert Member.objects.visible_to(users["secretary"]).exists()
    # The tracking cadre follows a few units in different committees, not a whole committee.
    cadre_units = [g.organization for g in users["cadre"].grant_list]
    assert 2 <= len(cadre_units) <= 3 and len({u.parent_id for u in cadre_units}) == len(cadre_units)
    assert all(u.kind not in ("committee", "working", "county") for u in cadre_units)
    assert users["clerk"].roles == {Role.COUNTY_ADMIN, Role.TRACKING_CADRE}
    for line in ("admin", "secretary2", DEMO_PASSWORD, "城关镇红旗村党支部", "clerk", "县人民医院党总支"):
        assert line in seeded


def test_second_run_changes_nothing(seeded):
    before = [m.objects.count() for m in (Organization, Officer, Member, User)]
    out = seed(seed=7)
    assert "数据库中已有党组织，未重复生成" in out
    assert [m.objects.count() for m in (Organization, Officer, Member, User)] == before


@pytest.mark.django_db
def test_same_seed_same_county():
    seed()
    first = list(Member.objects.order_by("pk").values_list("name", "id_number", "organization__name"))
    # Everything goes (every capability's records protect the members and branches they are about):
    # the same seed on an empty database must give the same county.
    with connection.cursor() as cursor:  # PostgreSQL truncates only without pending deferred checks
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        call_command("flush", interactive=False, verbosity=0)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    seed()
    assert list(Member.objects.order_by("pk").values_list("name", "id_number", "organization__name")) == first


def test_demo_comes_with_audited_everyday_changes(seeded):
    from core.models import AuditEntry

    by_action = {e.action: e for e in AuditEntry.objects.exclude(actor=None).select_related("actor")}
    assert by_action["update"].actor.username == "secretary" and "phone" in by_action["update"].changes
    assert by_action["move"].actor.username == "committee"
    moved = Member.objects.get(pk=by_action["move"].object_id)
    assert moved.organization == User.objects.get(username="secretary2").home_branch


def test_demo_comes_with_decisions(seeded):
    """One 停止党籍 waiting for the committee in the demo secretary's branch, one approved; every
    suspended member has the date of its suspension."""
    from core import decisions
    from core.models import Decision

    # (the investigation's 整改规范 adds its own, proposed from cases: investigation/demo_steps.py)
    pending = Decision.objects.get(state=Decision.State.PENDING, disposition__isnull=True)
    assert pending.unit_name == User.objects.get(username="secretary").home_branch.name
    assert [d.pk for d in decisions.awaiting(User.objects.get(username="committee"))
            if not hasattr(d, "disposition")] == [pending.pk]
    approved = Decision.objects.filter(state=Decision.State.APPROVED, kind="suspend", disposition__isnull=True).get()
    assert Member.objects.get(pk=approved.object_id).membership_status == "suspended"
    assert not Member.objects.filter(membership_status="suspended", membership_status_on=None).exists()


def test_demo_comes_with_transfers(seeded):
    """Letters out of the demo secretary's branch (one awaited, one overdue; one back when the branch
    is big enough), an internal transfer waiting for the neighbouring branch, one confirmed
    (members/demo_steps.py)."""
    from members import transfers
    from members.models import LetterKind, LetterStatus, TransferLetter

    secretary, secretary2 = User.objects.get(username="secretary"), User.objects.get(username="secretary2")
    assert transfers.overdue_receipts(secretary).count() == 1
    assert transfers.awaiting_receipt(secretary).count() == 1
    assert transfers.awaiting_confirmation(secretary2).count() == 1
    confirmed = TransferLetter.objects.get(kind=LetterKind.INTERNAL, status=LetterStatus.RECEIVED)
    assert confirmed.member.organization == secretary.home_branch
    serials = sorted(TransferLetter.objects.values_list("serial", flat=True))
    assert serials == list(range(1, len(serials) + 1)) and len(serials) >= 4
