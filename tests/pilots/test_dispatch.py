import datetime

from django.urls import reverse
from django.utils import timezone

from pilots.models import Problem, Report, month_start, next_month
from pilots.services import dispatch

from .helpers import make_program, make_unit


def _this_month():
    return month_start(timezone.localdate())


def _last_month():
    return month_start(_this_month() - datetime.timedelta(days=1))


def _report_post(month, **extra):
    return {"month": f"{month:%Y-%m}", "progress": "完成党员分类", "opinions": "希望减少报表", "next_steps": "优化组织设置",
            **extra}


def _unit(county, org=None, cadre=None):
    return make_unit(county.admin, make_program(county.admin), org or county.east, cadre or county.cadre)


def test_cadre_files_a_report_with_a_problem_once_a_month(client, county):
    unit = _unit(county)
    client.force_login(county.cadre)
    url = reverse("pilots:report_create", args=[unit.pk])
    response = client.post(url, _report_post(_this_month(), problem_1="流动党员联系不上", owner_1="王书记",
                                             due_1=(timezone.localdate() + datetime.timedelta(days=30)).isoformat()))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.filed_by == county.cadre and report.month == _this_month()
    problem = Problem.objects.get()
    assert (problem.report, problem.owner, problem.stage) == (report, "王书记", "found")

    # the unit's leader (its secretary) cannot file the same month again
    client.force_login(county.secretary)
    response = client.post(url, _report_post(_this_month(), problem_1="再报一个", owner_1="李"))
    assert response.status_code == 200
    assert f"本单位{_this_month().year}年{_this_month().month}月已经汇报过了，不能重复汇报" in response.content.decode()
    assert Report.objects.count() == 1 and Problem.objects.count() == 1


def test_a_month_that_has_not_begun_is_refused(client, county):
    unit = _unit(county)
    client.force_login(county.cadre)
    future = next_month(_this_month())
    response = client.post(reverse("pilots:report_create", args=[unit.pk]), _report_post(future))
    assert f"{future.year}年{future.month}月尚未开始，不能提前汇报" in response.content.decode()
    assert not Report.objects.exists()


def test_a_problem_without_an_owner_is_refused(client, county):
    unit = _unit(county)
    client.force_login(county.cadre)
    response = client.post(reverse("pilots:report_create", args=[unit.pk]),
                           _report_post(_this_month(), problem_1="没有责任人"))
    assert "请填写这个问题的责任人" in response.content.decode()
    assert not Report.objects.exists() and not Problem.objects.exists()


def test_last_month_is_filed_late_with_its_problems_dated_in_it(county):
    unit = _unit(county)
    report = dispatch.file_report(county.cadre, Report(unit=unit, month=_last_month(), progress="补报"),
                                  [{"description": "党费交纳不及时", "owner": "王", "due_on": None}])
    problem = report.problems.get()
    assert month_start(problem.found_on) == _last_month()


def test_problems_carry_over_until_solved(client, county):
    unit = _unit(county)
    dispatch.file_report(county.cadre, Report(unit=unit, month=_last_month(), progress="上月"),
                         [{"description": "离退休党员学习参加率低", "owner": "王", "due_on": None}])
    problem = Problem.objects.get()
    # this month: carried over from last month, still open
    entry = dispatch.pack([unit], _this_month())[0]
    assert entry["carried"] == [problem] and entry["new"] == [] and entry["report"] is None

    client.force_login(county.cadre)
    url = reverse("pilots:problem", args=[problem.pk])
    client.post(url, {"note": "居住分散", "on": timezone.localdate().isoformat()})
    client.post(url, {"note": "送学上门", "on": timezone.localdate().isoformat()})
    problem.refresh_from_db()
    assert problem.stage == "rectifying"
    # closing without a resolution note is refused, nothing changes
    response = client.post(url, {"note": "  ", "on": timezone.localdate().isoformat()})
    assert "没有解决情况说明的问题不能销号" in response.content.decode()
    problem.refresh_from_db()
    assert problem.stage == "rectifying" and problem.solved_on is None
    client.post(url, {"note": "已送学上门，参加率达到九成", "on": timezone.localdate().isoformat()})
    problem.refresh_from_db()
    assert problem.stage == "solved" and problem.resolution.startswith("已送学上门")

    # solved this month: still in this month's pack (shown solved), gone from next month's
    assert dispatch.pack([unit], _this_month())[0]["carried"] == [problem]
    later = dispatch.pack([unit], next_month(_this_month()))[0]
    assert later["carried"] == [] and later["new"] == []


def test_a_date_before_the_problem_was_found_is_refused(county):
    import pytest
    from django.core.exceptions import ValidationError

    unit = _unit(county)
    dispatch.file_report(county.cadre, Report(unit=unit, month=_this_month(), progress="本月"),
                         [{"description": "问题", "owner": "王", "due_on": None}])
    problem = Problem.objects.get()
    with pytest.raises(ValidationError):
        dispatch.advance_problem(county.cadre, problem, "分析", problem.found_on - datetime.timedelta(days=1))
    problem.refresh_from_db()
    assert problem.stage == "found"


def test_county_sees_which_units_have_not_reported(client, county):
    program = make_program(county.admin)
    east = make_unit(county.admin, program, county.east, county.cadre)
    make_unit(county.admin, program, county.hill, county.two_grants)
    dispatch.file_report(county.cadre, Report(unit=east, month=_this_month(), progress="本月"))
    client.force_login(county.admin)
    page = client.get(reverse("pilots:dispatch", args=[program.pk])).content.decode()
    assert "尚未汇报（1 个）：山口村党支部" in page
    page = client.get(reverse("pilots:program", args=[program.pk])).content.decode()
    assert "尚未汇报：山口村党支部" in page


def test_dispatch_pack_pdf_holds_the_readers_units_only(client, county):
    import subprocess

    program = make_program(county.admin)
    east = make_unit(county.admin, program, county.east, county.cadre)
    hill = make_unit(county.admin, program, county.hill, county.two_grants)
    dispatch.file_report(county.cadre, Report(unit=east, month=_this_month(), progress="东街村本月进展"),
                         [{"description": "东街村的问题", "owner": "王", "due_on": None}])
    dispatch.file_report(county.two_grants, Report(unit=hill, month=_this_month(), progress="山口村本月进展"))

    def pdf_text(user):
        client.force_login(user)
        response = client.post(reverse("pilots:dispatch_pdf", args=[program.pk]), {"month": f"{_this_month():%Y-%m}"})
        assert response["Content-Type"] == "application/pdf"
        return subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True,
                              check=True).stdout.decode()

    text = pdf_text(county.admin)
    assert "东街村本月进展" in text and "山口村本月进展" in text and "东街村的问题" in text
    text = pdf_text(county.cadre)
    assert "东街村本月进展" in text and "山口村" not in text
