"""The demo county's history of star ratings and what followed (demo/steps.py, after "星级评定",
whose confirmations already opened the last quarter's rectifications through ratings/services.py):
the four quarters of last year confirmed in every branch (so 年终定星 has a year to show), the
rectifications they and the confirmed quarters since decide (replayed in order through
followup.on_confirmed, which is idempotent), and two rectifications worked on by their branch: one
in progress with a mentor and notes, one past its shortened deadline (逾期未整改)."""

import datetime

from demo import steps
from members.models import Member
from members.placements import members_during
from members.placements import quarter as quarter_span

from . import followup
from .choices import STAR_FIELDS, SheetState
from .models import CriteriaSet, RatingEntry, RatingQuarter, RatingSheet, Rectification, RectificationState

BASIS = "本季度有两次未参加支部集中学习，联系服务群众较少"


def _stars(rng):
    roll = rng.random()
    return 5 if roll < 0.6 else 4 if roll < 0.86 else 3 if roll < 0.975 else rng.choice((1, 2))


def _last_year(ctx, county_user):
    year = ctx.today.year - 1
    criteria = CriteriaSet.objects.filter(audience="in_post").order_by("from_year", "from_quarter").first()
    names = dict(Member.objects.values_list("pk", "name_pinyin"))
    for q in (1, 2, 3, 4):
        start, end = quarter_span(year, q)
        quarter, _ = RatingQuarter.objects.get_or_create(
            year=year, quarter=q,
            defaults={"opens_on": end + datetime.timedelta(days=1), "due_on": end + datetime.timedelta(days=20),
                      "opened_by": county_user})
        during = members_during(None, start, end)
        done = set(RatingSheet.objects.filter(quarter=quarter).values_list("branch_id", flat=True))
        publicity = (end + datetime.timedelta(days=10), end + datetime.timedelta(days=17))
        sheets = RatingSheet.objects.bulk_create([
            RatingSheet(quarter=quarter, branch_id=b, state=SheetState.CONFIRMED,
                        evaluation_meeting_on=end + datetime.timedelta(days=6),
                        publicity_starts_on=publicity[0], publicity_ends_on=publicity[1],
                        submitted_by=county_user, confirmed_by=county_user)
            for b in sorted(during) if b not in done
        ])
        rows = []
        for sheet in sheets:
            for position, member_id in enumerate(sorted(during[sheet.branch_id], key=lambda m: (names.get(m, ""), m))):
                n = _stars(ctx.rng)
                e = RatingEntry(sheet=sheet, member_id=member_id, criteria_set=criteria, rated=True, position=position,
                                basis="" if n == 5 else BASIS, opinions_heard=ctx.rng.randint(3, 10),
                                **{f: k < n for k, f in enumerate(STAR_FIELDS)})
                e.refresh()
                rows.append(e)
        RatingEntry.objects.bulk_create(rows, batch_size=2000)


def _replay(user):
    """Every confirmed sheet, oldest quarter first, through followup.on_confirmed."""
    sheets = (RatingSheet.objects.filter(state=SheetState.CONFIRMED).select_related("quarter", "branch")
              .order_by("quarter__year", "quarter__quarter", "branch__path"))
    for sheet in sheets:
        day = sheet.publicity_ends_on + datetime.timedelta(days=1) if sheet.publicity_ends_on else None
        followup.on_confirmed(user, sheet, today=day)


def _worked_on(ctx, users):
    """Two open rectifications, of the newest quarter and the demo secretary's branch or committee's
    subtree when there are: one in progress (education, measures, a mentor, two notes), one whose
    shortened deadline has passed (逾期未整改)."""
    secretary, committee = users.get("secretary"), users.get("committee")
    candidates = list(Rectification.objects.filter(state=RectificationState.OPEN).select_related("branch", "member")
                      .order_by("branch__path", "pk"))
    home = secretary.home_branch if secretary else None
    under = committee.grant_list[0].organization.path if committee and committee.grant_list else ""
    # the newest quarter first, then the demo secretary's branch, then the demo committee's subtree
    candidates.sort(key=lambda r: (-r.year, -r.quarter, not (home and r.branch_id == home.pk),
                                   not r.branch.path.startswith(under)))
    with_mentor = next((r for r in candidates if followup.mentor_choices(r).exists()), None)
    if with_mentor is not None:  # the one in progress has a mentor
        candidates.remove(with_mentor)
        candidates.insert(0, with_mentor)
    for i, r in enumerate(candidates[:2]):
        end = followup.quarter_end(r)
        actor = secretary if home and r.branch_id == home.pk else users.get("county") or users.get("admin")
        mentor = followup.mentor_choices(r).first()
        overdue = i == 1
        if overdue:  # the branch gave a month and it has passed
            deadline = ctx.today - datetime.timedelta(days=9)
        else:  # in progress: the default, or a few weeks ahead when that has already passed
            longest = end + datetime.timedelta(days=followup.LONGEST_DEADLINE_DAYS)
            deadline = max(followup.default_deadline(r.year, r.quarter), min(ctx.today + datetime.timedelta(days=45), longest))
        educated = min(end + datetime.timedelta(days=25), ctx.today)
        followup.update(actor, r, {
            "education_on": educated,
            "education": "党小组召开会议，对其本季度未按时参加组织生活、联系群众不够的问题进行批评教育，本人作了检讨。",
            "measures": "每月按时参加支部主题党日和党小组学习；每月走访联系群众不少于两户；每月向党小组汇报一次思想和工作情况。",
            "deadline": deadline, "mentor": mentor,
        }, today=ctx.today)
        followup.add_note(actor, r, min(educated + datetime.timedelta(days=10), ctx.today),
                          "参加了本月支部主题党日，在帮带党员陪同下走访群众两户。", today=ctx.today)
        if not overdue:
            followup.add_note(actor, r, ctx.today - datetime.timedelta(days=3),
                              "按时参加党小组学习，向党小组书面汇报了思想和工作情况。", today=ctx.today)


@steps.step(66, "星级评定后续")
def ratings_followup(ctx):
    users = ctx.users
    county_user = users.get("county") or users.get("admin")
    if county_user is None:
        return
    _last_year(ctx, county_user)  # what is missing of last year (in January the last quarter is its 4th)
    _replay(county_user)
    if not Rectification.objects.exclude(measures="").exists():
        _worked_on(ctx, users)
    total = Rectification.objects.count()
    ctx.notes.append(f"星级评定：{ctx.today.year - 1}年四个季度已确认（年终定星），限期整改 {total} 项")
