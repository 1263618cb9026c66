"""The demo county's classified-management pilot (demo/steps.py): one program in its 组织实施 phase
with nine units, one of each sector the plan names; a scheme made in the first unit and copied by
the others; members assigned by their record; a few months of dispatch reports and a problems list.
Everything through the services, audited. The demo `cadre` follows the hospital, the school and the
police; `clerk` (county staff) the others."""

import datetime

from demo import steps
from members.choices import JobCategory

from .choices import ASPECTS, Step
from .models import Category, PilotUnit, Problem, Program, Report, month_start, next_month
from .services import dispatch, programs, schemes

# (organization, sector, leader, cadre login)
UNITS = [
    ("城关镇红旗村党支部", "rural", "张红梅", "clerk"),
    ("新华街道幸福里社区党总支", "community", "陈建华", "clerk"),
    ("县公安局党总支", "government", "刘振国", "cadre"),
    ("县疾病预防控制中心党支部", "institution", "周文静", "clerk"),
    ("县城市建设投资集团党总支", "state_enterprise", "吴志刚", "clerk"),
    ("县第一中学党总支", "school", "郑晓明", "cadre"),
    ("县人民医院党总支", "hospital", "王卫东", "cadre"),
    ("华通纺织有限公司党支部", "two_new", "孙海涛", "clerk"),
    ("河口镇永丰村党总支", "rural", "李长春", "clerk"),
]

MEASURES = {
    "在职党员": "结合岗位工作，每月集中学习一次，依托“学习强国”开展自学。",
    "离退休党员": "就近编入居住地党小组，送学上门，每季度走访一次。",
    "流动党员": "建立流动党员信息档案台账，通过微信群推送学习内容，每月联系一次。",
    "年老体弱党员": "不作硬性要求，节日走访慰问，送学上门。",
    "农村无职党员": "设岗定责，参与村务监督、矛盾调解和环境整治。",
}
RULES = {
    "在职党员": "在本单位工作、能正常参加组织生活的党员。",
    "离退休党员": "已办理离退休手续的党员。",
    "流动党员": "外出务工经商六个月以上、组织关系仍在本单位的党员。",
    "年老体弱党员": "年满七十周岁或因病长期行动不便的党员。",
    "农村无职党员": "在村里没有担任职务的农村党员。",
}


def _category_for(member, names, today):
    age = today.year - member.birth_date.year
    if member.is_mobile and "流动党员" in names:
        return "流动党员"
    if age >= 75 and "年老体弱党员" in names:
        return "年老体弱党员"
    if member.job_category == JobCategory.RETIRED and "离退休党员" in names:
        return "离退休党员"
    if member.job_category == JobCategory.FARMER and "农村无职党员" in names:
        return "农村无职党员"
    return "在职党员" if "在职党员" in names else None


def _phases(today):
    """Started four months ago: today is in 组织实施."""
    start = month_start(today - datetime.timedelta(days=120))
    plan_end = start + datetime.timedelta(days=29)
    deploy_end = plan_end + datetime.timedelta(days=14)
    implement_end = next_month(month_start(today + datetime.timedelta(days=62))) - datetime.timedelta(days=1)
    return {
        Step.PLAN: (start, plan_end), Step.DEPLOY: (plan_end + datetime.timedelta(days=1), deploy_end),
        Step.IMPLEMENT: (deploy_end + datetime.timedelta(days=1), implement_end),
        Step.SUMMARIZE: (implement_end + datetime.timedelta(days=1), implement_end + datetime.timedelta(days=31)),
    }


@steps.step(60, "分类管理试点")
def pilot_program(ctx):
    users, today = ctx.users, ctx.today
    if not {"county", "cadre", "clerk"} <= set(users):
        return
    county = users["county"]
    program = programs.save_program(county, Program(
        name=f"{ctx.county_name}党员分类管理试点", group_leader="县委书记", group_deputies="县委组织部部长",
        group_members="县委组织部分管副部长、县直机关工委书记、各试点单位党组织书记",
        office="领导小组办公室设在县委组织部组织科，负责试点工作的推动实施"), _phases(today))
    units = []
    for name, sector, leader, cadre in UNITS:
        org = ctx.orgs_by_name.get(name)
        if org is None:
            continue
        units.append(programs.save_unit(county, PilotUnit(
            program=program, organization=org, sector=sector, tracking_cadre=users[cadre], leader_name=leader,
            group_members="组织委员、宣传委员、各党支部书记")))
    if not units:
        return
    first = units[0]
    for name in MEASURES:
        measures = {key: f"{label}：{MEASURES[name]}" for key, label in ASPECTS[:4]}
        measures.update({key: f"按{name}的实际情况{label}。" for key, label in ASPECTS[4:]})
        schemes.save_category(county, Category(unit=first, name=name, rule=RULES[name], measures=measures))
    for unit in units[1:]:
        schemes.copy_scheme(county, first, unit)
        if unit.sector not in ("rural", "community"):  # units without farmers drop that category
            unit.categories.filter(name="农村无职党员").delete()
    _assign_members(county, units, today)
    _dispatch(ctx, program, units)
    ctx.notes.append(f"分类管理试点：{len(units)} 个试点单位，跟踪指导责任人 cadre、clerk")


def _assign_members(actor, units, today):
    for i, unit in enumerate(units):
        categories = {c.name: c for c in unit.categories.all()}
        by_category = {}
        members = list(schemes.unit_members(unit).order_by("pk"))
        keep = len(members) - (len(members) // 20 if i % 3 else 0)  # a few units still have some to do
        for m in members[:keep]:
            name = _category_for(m, categories, today)
            if name:
                by_category.setdefault(name, []).append(m.pk)
        for name, ids in by_category.items():
            schemes.assign(actor, unit, ids, categories[name])


REPORTS = [
    ("完成党员基本情况摸底，建立流动党员信息档案台账。", "希望学习形式更灵活，方便在外党员参加。", "细化各类党员的管理措施。"),
    ("按方案完成党员分类，召开试点工作推进会。", "离退休党员希望就近参加组织生活。", "优化组织设置，按党员类型分设党支部。"),
    ("各类别管理措施已落实到党支部，开展主题党日活动。", "建议减少报表，不增加基层负担。", "总结试点中的有效做法。"),
]
PROBLEMS = ["部分流动党员联系方式已变更，无法按月联系。", "离退休党员分散居住，集中学习参加率低。",
            "党支部书记未进入总支委员会，工作衔接不畅。"]


def _dispatch(ctx, program, units):
    """Reports for the months of 组织实施 up to last month for every unit, and this month for most
    (two have not reported yet); a problem per unit, some solved."""
    today = ctx.today
    implement = next(p for p in program.phase_list() if p.step == Step.IMPLEMENT)
    months, m = [], month_start(implement.starts_on)
    while m <= month_start(today):
        months.append(m)
        m = next_month(m)
    for i, unit in enumerate(units):
        reporter = unit.tracking_cadre
        for j, month in enumerate(months):
            if month == month_start(today) and i in (3, 7):
                continue  # not reported yet this month
            progress, opinions, next_steps = REPORTS[min(j, len(REPORTS) - 1)]
            problems = []
            if j == 0:
                problems = [{"description": PROBLEMS[i % len(PROBLEMS)], "owner": unit.leader_name,
                             "due_on": next_month(next_month(month)) - datetime.timedelta(days=1)}]
            report = Report(unit=unit, month=month, progress=progress, opinions=opinions, next_steps=next_steps)
            dispatch.file_report(reporter, report, problems)
            Report.objects.filter(pk=report.pk).update(filed_at=_at(month, today))
        for k, problem in enumerate(Problem.objects.filter(unit=unit).order_by("pk")):
            on = min(problem.found_on + datetime.timedelta(days=10), today)
            dispatch.advance_problem(reporter, problem, "已与相关党支部分析原因。", on)
            if i % 2 == 0:
                dispatch.advance_problem(reporter, problem, "制定整改措施，明确责任人和时限。", on)
                dispatch.advance_problem(reporter, problem, "已整改到位，经回访党员认可。",
                                         min(on + datetime.timedelta(days=20), today))


def _at(month, today):
    from django.utils import timezone

    day = min(month + datetime.timedelta(days=25), today)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))

