"""Downloads that say what they are (issue 9, item 7): a file's name holds its organization, its
filters, its rows and its date, so two exports can be told apart in 我的下载 and in a folder; an
export of nothing is not made; every download of the app names itself in Chinese (RFC 5987
filename*) with an ASCII fallback."""

import datetime
import re
from urllib.parse import unquote, urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import bulk_members
from core import audit, exports
from core.models import AuditEntry, ExportJob

TODAY = f"{timezone.localdate():%Y%m%d}"


def disposition_name(response):
    """The Chinese name of a download, read as a browser does (filename* first)."""
    header = response["Content-Disposition"]
    assert re.fullmatch(r'(attachment|inline); filename="[A-Za-z0-9._-]+"; filename\*=UTF-8\'\'[^\s";]+', header), header
    return unquote(header.split("filename*=UTF-8''", 1)[1])


def test_file_name_says_what_it_holds():
    name = exports.file_name("党员名册", "xlsx", unit="东街村党支部", filters=["预备党员", "搜索-张"], rows=3,
                             row_word="人", day=datetime.date(2026, 12, 6))
    assert name == "党员名册_东街村党支部_预备党员_搜索-张_3人_20261206.xlsx"
    # the unit is not repeated when the stem names it; no path or reserved characters; searched IDs masked
    assert exports.file_name("党费收缴登记表_东街村党支部_2026", "pdf", unit="东街村党支部", filters=['a/b:c*"d"'],
                             rows=0, day=datetime.date(2026, 1, 2)) == "党费收缴登记表_东街村党支部_2026_a-b-c-d_0行_20260102.pdf"
    assert "320981198005010039" not in exports.file_name("党员名册", "xlsx", filters=["搜索-320981198005010039"])
    assert "搜索-320＊＊＊＊＊＊＊＊＊＊＊0039" in exports.file_name("党员名册", "xlsx", filters=["搜索-320981198005010039"])
    long = exports.file_name("党员名册", "xlsx", unit="城关镇党委", filters=["很长的条件" * 10] * 5, rows=12, row_word="人")
    assert len(long) <= exports.NAME_MAX + 5 and long.startswith("党员名册_城关镇党委_") and long.endswith(f"_12人_{TODAY}.xlsx")


def test_content_disposition_has_chinese_and_ascii_names():
    assert exports.content_disposition("党员名册_东街村党支部_3人_20261206.xlsx") == (
        'attachment; filename="download_3_20261206.xlsx"; filename*=UTF-8\'\''
        "%E5%85%9A%E5%91%98%E5%90%8D%E5%86%8C_%E4%B8%9C%E8%A1%97%E6%9D%91%E5%85%9A%E6%94%AF%E9%83%A8_3%E4%BA%BA_20261206.xlsx")
    assert exports.content_disposition("公示表.pdf", inline=True).startswith('inline; filename="download.pdf"; ')


def test_two_roster_exports_can_be_told_apart(client, county):
    client.force_login(county.committee)
    full = client.post(reverse("members:export_xlsx"), {"org": county.east.pk, "category": "full"})
    probationary = client.post(reverse("members:export_xlsx"), {"org": county.east.pk, "q": "张"})
    assert disposition_name(full) == f"党员名册_东街村党支部_正式党员_2人_{TODAY}.xlsx"
    assert disposition_name(probationary) == f"党员名册_东街村党支部_搜索-张_2人_{TODAY}.xlsx"
    # the audit names the same file
    assert AuditEntry.objects.filter(action=audit.Action.EXPORT, reason__contains=disposition_name(full)).exists()


def test_an_export_of_nothing_is_not_made(client, county, settings):
    settings.EXPORT_SYNC_MAX_ROWS = {"xlsx": 0, "pdf": 0}  # even one that would go to the background
    client.force_login(county.secretary)
    roster = reverse("members:roster") + "?" + urlencode({"q": "没有这个人"})
    response = client.post(reverse("members:export_pdf"), {"q": "没有这个人"}, HTTP_REFERER="http://testserver" + roster)
    assert response.status_code == 302 and response.url == "http://testserver" + roster  # back to the list
    assert not ExportJob.objects.exists()
    assert not AuditEntry.objects.filter(action=audit.Action.EXPORT).exists()
    page = client.get(roster).content.decode()
    assert exports.NOTHING in page
    assert "导出 Excel" not in page and "打印 PDF" not in page  # nothing to export: no button
    assert "导出 Excel" in client.get(reverse("members:roster")).content.decode()
    assert "导出 Excel" not in client.get(reverse("members:mobile_ledger") + "?state=ended").content.decode()
    # Without a page to go back to (or another site's): 我的下载, with the same message.
    response = client.post(reverse("members:export_xlsx"), {"q": "没有这个人"}, HTTP_REFERER="http://evil.example/")
    assert response.url == reverse("downloads")


def test_a_background_file_says_what_it_holds(client, county, settings):
    settings.EXPORT_SYNC_MAX_ROWS = {"xlsx": 0, "pdf": 0}
    bulk_members(county.east, 3)
    client.force_login(county.secretary)
    client.post(reverse("members:export_xlsx"), {"category": "full", "columns": ["name", "phone"]})
    job = ExportJob.objects.get()
    assert job.status == "done"
    assert job.title == job.filename == f"党员名册_东街村党支部_正式党员_5人_{TODAY}.xlsx"
    assert job.description == "人员类别：正式党员；在册状态：在册；列：序号、姓名、手机号码"
    page = client.get(reverse("downloads")).content.decode()
    assert job.title in page and job.description in page
    response = client.get(reverse("download_file", args=[job.pk]))
    assert disposition_name(response) == job.filename
    b"".join(response.streaming_content)


# Every download of the app: (URL name, method, what goes in the URL, the POST).
def _downloads(county):
    from members import mobile, transfers
    from ratings.models import RatingEntry
    from tests.pilots.helpers import pilot_objects
    from tests.ratings.helpers import sheet

    mobile.start_outflow(county.admin, county.east1, {
        "started_on": datetime.date(2025, 3, 1), "place": "江苏省苏州市", "reason": "外出务工经商",
        "employer": "苏州某电子厂", "contact_person": "王经理", "contact_phone": "13700001111"})
    letter = transfers.issue_letter(county.admin, county.west1, addressee="某县委组织部", destination="某县某村党支部")
    rating = sheet(county.east, 2025, 4, {county.east1: 5, county.east2: 4})
    program = pilot_objects(county)["pilot_program"][0]
    from tests.investigation.helpers import case_of, open_campaign, search

    inv_case = case_of(open_campaign(county), county.east1)
    search(county.admin, inv_case)
    today = datetime.date.today()
    q = (today.month - 1) // 3 + 1
    return [
        ("members:export_xlsx", "post", [], {}), ("members:export_pdf", "post", [], {}),
        ("members:mobile_export_xlsx", "post", [], {"state": "all"}),
        ("members:dues_sheet_xlsx", "post", [county.east.pk], {}),
        ("members:orglife_summary_xlsx", "get", [], {"org": county.town.pk, "year": today.year, "quarter": q}),
        ("members:letter_pdf", "get", [letter.pk], {}),
        ("members:import_template", "get", [], {}),
        ("members:info_form", "get", [county.east1.pk], {}),
        ("members:info_forms", "get", [county.east.pk], {}),
        ("ratings:annual_xlsx", "get", [], {"year": 2025}),
        ("ratings:entry_print", "get", [RatingEntry.objects.filter(sheet=rating).first().pk], {}),
        ("ratings:sheet_print", "get", [rating.pk], {}),
        ("ratings:notice_pdf", "get", [rating.pk], {}),
        ("pilots:summaries_xlsx", "post", [program.pk], {}),
        ("pilots:dispatch_pdf", "post", [program.pk], {}),
        ("investigation:case_print", "get", [inv_case.pk], {}),
    ]


@pytest.mark.django_db
def test_every_download_names_itself_in_chinese(client, county):
    from ratings.criteria import ensure_defaults

    ensure_defaults()
    client.force_login(county.admin)
    names = {}
    for name, method, args, data in _downloads(county):
        response = getattr(client, method)(reverse(name, args=args), data)
        assert response.status_code == 200, (name, response.status_code)
        names[name] = disposition_name(response)
        assert re.search(r"[\u4e00-\u9fff]", names[name]), (name, names[name])
    assert names["members:letter_pdf"].startswith("组织关系介绍信_")
    assert names["members:info_forms"] == "东街村党支部_党员信息采集表_2人.pdf"
    assert "_2份_" in names["ratings:sheet_print"]
    assert names["investigation:case_print"].startswith("查找记录_张东一_东街村党支部_1次_")
    assert names["members:orglife_summary_xlsx"].startswith("三会一课_城关镇党委_")
    assert "个党支部" in names["members:orglife_summary_xlsx"]
    print("\n".join(f"{k}: {v}" for k, v in names.items()))
