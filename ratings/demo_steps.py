"""The demo county's star ratings (demo/steps.py): last quarter rated, publicised and confirmed in
every branch; the current quarter opened, submitted and in publicity in a few branches (one with an
objection from the public board, answered), and still a draft in the demo secretary's branch so
the grid can be tried."""

import datetime

from demo import steps
from members.placements import quarter as quarter_span

from . import (
    demo_followup,  # noqa: F401  (registers "星级评定后续")
    objections,
    services,
)
from .choices import STAR_FIELDS
from .models import RatingSheet

BASES = {
    "study": "本季度有两次未参加支部集中学习",
    "service": "联系服务群众工作较少，群众反映一般",
    "dedication": "本职工作有一次未按期完成",
    "innovation": "本季度工作中未提出改进办法",
    "integrity": "有一次公车私用苗头，已批评提醒",
}


def _quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def _previous(year, q):
    return (year - 1, 4) if q == 1 else (year, q - 1)


def _rate(ctx, sheet, user, *, meeting_on, submit_on):
    """Rate the sheet as a secretary would: most members all five stars, a few withheld with a basis."""
    services.prepare(sheet)
    entries = services.grid_entries(sheet)
    for e in entries:
        e.rated = True
        for f in STAR_FIELDS:
            setattr(e, f, True)
        roll = ctx.rng.random()
        if roll < 0.18:
            # one or two stars withheld (合格); one in fifty three (不合格: confirming opens 限期整改)
            missing = ctx.rng.sample(STAR_FIELDS, 1 if roll > 0.04 else 2 if roll > 0.02 else 3)
            for f in missing:
                setattr(e, f, False)
            e.basis = "；".join(BASES[f] for f in missing)
        e.opinions_heard = ctx.rng.randint(3, 12)
        if "转出" in e.period_note or "去世" in e.period_note or "出党" in e.period_note:
            e.not_rated, e.not_rated_reason, e.basis = True, f"{e.period_note}，本季度不参加评定", ""
        e.refresh()
    services.save(user, sheet, entries, meeting_on=meeting_on, submit=True, entries=entries, today=submit_on)


@steps.step(64, "星级评定")
def star_ratings(ctx):
    users = ctx.users
    county = users.get("county") or users.get("admin")
    if county is None:
        return
    year, q = _previous(*_quarter_of(ctx.today))
    start, end = quarter_span(year, q)
    last = services.open_quarter(county, year, q, end + datetime.timedelta(days=1), end + datetime.timedelta(days=20))
    secretaries = {}
    for name in ("secretary", "secretary2"):
        u = users.get(name)
        if u is not None and u.home_branch is not None:
            secretaries[u.home_branch.pk] = u
    submit_on = end + datetime.timedelta(days=8)
    for sheet in RatingSheet.objects.filter(quarter=last).select_related("quarter", "branch"):
        who = secretaries.get(sheet.branch_id, county)
        _rate(ctx, sheet, who, meeting_on=end + datetime.timedelta(days=5), submit_on=submit_on)
        services.confirm(who, sheet, today=sheet.publicity_ends_on + datetime.timedelta(days=1))

    year, q = _quarter_of(ctx.today)
    start, end = quarter_span(year, q)
    current = services.open_quarter(county, year, q, ctx.today - datetime.timedelta(days=12),
                                    ctx.today + datetime.timedelta(days=10))
    # A few branches have already rated and publicised the current quarter: the neighbouring
    # secretary's, and some others of the county; the demo secretary's own is left to try out.
    mine = users.get("secretary").home_branch.pk if users.get("secretary") and users["secretary"].home_branch else None
    sheets = list(RatingSheet.objects.filter(quarter=current).exclude(branch_id=mine)
                  .select_related("quarter", "branch").order_by("branch__path"))
    chosen = [s for s in sheets if s.branch_id in secretaries] + ctx.rng.sample(
        [s for s in sheets if s.branch_id not in secretaries], min(5, len(sheets)))
    for i, sheet in enumerate(chosen):
        who = secretaries.get(sheet.branch_id, county)
        _rate(ctx, sheet, who, meeting_on=ctx.today - datetime.timedelta(days=4),
              submit_on=ctx.today - datetime.timedelta(days=2 + i % 3))
        if i == 0:
            first = services.grid_entries(sheet)[0]
            text = f"{first.member.name}同志本季度经常帮助邻里，群众评价很好，建议核实服务群众星。"
            o = objections.submit_public(sheet, text=text, entry_id=first.pk, name="村民", contact="13900000000",
                                         address="192.0.2.10")
            objections.answer(who, o, "已向群众核实，该同志服务群众情况属实，评定结果无误。")
    ctx.notes.append(f"星级评定：{last}全部党支部已确认；{current}已有{len(chosen)}个党支部在公示（见 /public/）")
