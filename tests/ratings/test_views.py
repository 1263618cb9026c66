import datetime

import pytest
from django.urls import reverse

from ratings import services
from ratings.choices import SheetState
from ratings.models import Objection, RatingEntry, RatingSheet

from .conftest import grid_post, placed_members

D = datetime.date


def P(*args, **kwargs):
    """grid_post as test-client data (a list keeps every row)."""
    return dict(grid_post(*args, **kwargs).lists())


@pytest.mark.django_db
def test_secretary_rates_and_submits_through_the_grid(client, county, sheet):
    client.force_login(county.secretary)
    page = client.get(reverse("ratings:sheet", args=[sheet.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "张东一" in html and "理论学习星" in html and "离退休、农村及年老体弱党员评星标准" in html
    entries = services.grid_entries(sheet)
    post = P(entries, withheld={entries[0]: ["study"]}, evaluation_meeting_on="2026-10-01", action="submit")
    response = client.post(reverse("ratings:sheet", args=[sheet.pk]), post)
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == SheetState.PUBLICITY and not sheet.entered_on_behalf
    assert RatingEntry.objects.get(pk=entries[0].pk).star_count == 4


@pytest.mark.django_db
def test_quick_action_all_stars_without_script(client, county, sheet):
    client.force_login(county.secretary)
    client.post(reverse("ratings:sheet", args=[sheet.pk]), {"action": "all_stars"})
    assert set(RatingEntry.objects.filter(sheet=sheet).values_list("star_count", "rated")) == {(5, True)}


@pytest.mark.django_db
def test_refusals_are_in_chinese_and_change_nothing(client, county, sheet):
    client.force_login(county.secretary)
    url = reverse("ratings:sheet", args=[sheet.pk])
    response = client.post(url, {"action": "submit", "evaluation_meeting_on": "2026-10-01"})
    assert response.status_code == 400 and "尚未评定" in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.state == SheetState.DRAFT and sheet.evaluation_meeting_on is None
    response = client.post(url, {"evaluation_meeting_on": "2026-13-45"})
    assert "日期格式不正确" in response.content.decode()
    # a tampered row of another branch's sheet
    west = RatingSheet.objects.get(quarter=sheet.quarter, branch=county.west)
    services.prepare(west)
    response = client.post(url, P(services.grid_entries(west)))
    assert response.status_code == 400 and "不在本党支部" in response.content.decode()
    assert not RatingEntry.objects.filter(rated=True).exists()
    # confirming before publicity ends
    client.post(url, P(services.grid_entries(sheet), evaluation_meeting_on="2026-10-01", action="submit"))
    response = client.post(reverse("ratings:confirm", args=[sheet.pk]), follow=True)
    assert "公示结束后才能确认" in response.content.decode()
    assert RatingSheet.objects.get(pk=sheet.pk).state == SheetState.PUBLICITY
    # a revision without a reason
    response = client.post(url, P(services.grid_entries(sheet), withheld={services.grid_entries(sheet)[0]: ["study"]}))
    assert "修订原因" in response.content.decode()


@pytest.mark.django_db
def test_autosave_keeps_the_draft(client, county, sheet):
    client.force_login(county.secretary)
    entries = services.grid_entries(sheet)
    post = P(entries[:1], withheld={entries[0]: ["integrity"]}, evaluation_meeting_on="2026-10-02")
    response = client.post(reverse("ratings:autosave", args=[sheet.pk]), post)
    assert response.json() == {"ok": True, "saved": 1}
    e = RatingEntry.objects.get(pk=entries[0].pk)
    assert (e.star_count, e.basis) == (4, "本季度未按时参加学习")
    sheet.refresh_from_db()
    assert sheet.evaluation_meeting_on == D(2026, 10, 2)
    assert "本季度未按时参加学习" in client.get(reverse("ratings:sheet", args=[sheet.pk])).content.decode()


@pytest.mark.django_db
def test_entry_grid_query_count_does_not_grow_with_members(client, county, quarter, django_assert_max_num_queries):
    client.force_login(county.secretary)
    sheet = quarter.sheets.get(branch=county.east)
    services.prepare(sheet)
    url = reverse("ratings:sheet", args=[sheet.pk])
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    placed_members(county.east, 40)
    services.prepare(sheet)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert "共 42 名" in client.get(url).content.decode()
    entries = services.grid_entries(sheet)
    with django_assert_max_num_queries(20) as saving:
        client.post(reverse("ratings:autosave", args=[sheet.pk]), P(entries, evaluation_meeting_on="2026-10-01"))
    assert RatingEntry.objects.filter(sheet=sheet, star_count=5).count() == 42
    assert len(saving.captured_queries) <= 20


@pytest.mark.django_db
def test_public_board_without_login_and_objections(client, county, sheet, settings):
    settings.OBJECTIONS_PER_ADDRESS_PER_HOUR = 2
    client.force_login(county.secretary)
    client.post(reverse("ratings:sheet", args=[sheet.pk]),
                P(services.grid_entries(sheet), evaluation_meeting_on="2026-10-01", action="submit"))
    client.logout()
    board = client.get(reverse("public:board")).content.decode()
    assert "东街村党支部" in board
    notice = client.get(reverse("public:notice", args=[sheet.pk])).content.decode()
    assert "张东一" in notice and county.east1.id_number not in notice and "13800000000" not in notice
    url = reverse("public:objection", args=[sheet.pk])
    response = client.post(url, {"text": "  "})
    assert response.status_code == 400 and "请填写异议内容" in response.content.decode()
    for _ in range(2):
        assert client.post(url, {"text": "该党员群众评价不好", "row": "1", "objector_contact": "13911112222"}).status_code == 302
    response = client.post(url, {"text": "再提一次"})
    assert response.status_code == 400 and "提交过于频繁" in response.content.decode()
    assert Objection.objects.count() == 2
    assert "13911112222" not in client.get(reverse("public:notice", args=[sheet.pk])).content.decode()
    # the branch sees the contact, answers, and only then may confirm
    client.force_login(county.secretary)
    page = client.get(reverse("ratings:sheet", args=[sheet.pk])).content.decode()
    assert "13911112222" in page
    for o in Objection.objects.all():
        client.post(reverse("ratings:objection_answer", args=[o.pk]), {"answer": "已核实，评定无误"})
    assert not Objection.objects.filter(answered_at=None).exists()


@pytest.mark.django_db
def test_anonymous_visitor_reaches_only_the_public_board(client, county, sheet):
    for url in (reverse("ratings:index"), reverse("ratings:sheet", args=[sheet.pk]),
                reverse("ratings:notice_pdf", args=[sheet.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.url
    assert client.get(reverse("public:board")).status_code == 200
    assert client.get(reverse("public:notice", args=[sheet.pk])).status_code == 404  # a draft is not public


@pytest.mark.django_db
def test_criteria_edit_applies_from_next_quarter(client, county, sheet):
    from ratings import criteria
    from ratings.models import CriteriaSet

    client.force_login(county.committee)
    assert client.get(reverse("ratings:criteria_edit") + "?audience=in_post").status_code == 403
    client.force_login(county.admin)
    texts = {f: f"新标准{f}" for f in ("study", "service", "dedication", "innovation", "integrity")}
    response = client.post(reverse("ratings:criteria_edit") + "?audience=in_post", texts)
    assert response.status_code == 302
    y, q = criteria.next_quarter()
    assert criteria.in_force(y, q)["in_post"].texts()["study"] == "新标准study"
    assert criteria.in_force(sheet.quarter.year, sheet.quarter.quarter)["in_post"].texts()["study"] != "新标准study"
    assert CriteriaSet.objects.filter(audience="in_post").count() == 2
    response = client.post(reverse("ratings:criteria_edit") + "?audience=in_post", {**texts, "study": ""})
    assert "请填写理论学习星的评星标准" in response.content.decode()


@pytest.mark.django_db
def test_notice_pdf(client, county, sheet):
    client.force_login(county.secretary)
    client.post(reverse("ratings:sheet", args=[sheet.pk]),
                P(services.grid_entries(sheet), evaluation_meeting_on="2026-10-01", action="submit"))
    response = client.get(reverse("ratings:notice_pdf", args=[sheet.pk]))
    assert response["Content-Type"] == "application/pdf"
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    assert "党员星级评定结果汇总（公示）表" in text and "张东一" in text and "监督电话" in text
    assert "/public/" in text
