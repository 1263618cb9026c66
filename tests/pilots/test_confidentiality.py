"""A tracking cadre of another unit sees nothing of a unit not its own, on any pilot page or file;
no pilot page is open without logging in."""

import io
import subprocess

import openpyxl
from django.urls import reverse

from tests.core.test_scope import URL_CASES

from .helpers import pilot_objects

PILOT_NAMES = [n for n in URL_CASES if n.startswith("pilots:")]
POST_FILES = {"pilots:summaries_xlsx", "pilots:summaries_pdf", "pilots:dispatch_pdf"}


def _text(response):
    content = response.content
    ctype = response.get("Content-Type", "")
    if ctype.startswith("application/pdf"):
        return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                              check=True).stdout.decode()
    if "spreadsheet" in ctype:
        wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return " ".join(str(v) for row in wb.active.iter_rows(values_only=True) for v in row if v is not None)
    return content.decode()


def test_cadre_of_another_unit_sees_nothing_of_it_in_a_shared_program(client, county):
    # One program: 东街村 followed by `cadre`, 山口村 by `two_grants`.
    objs = pilot_objects(county, [county.east], cadre=county.cadre)
    program = objs["pilot_program"][0]
    from .helpers import make_unit

    hill = make_unit(county.admin, program, county.hill, county.two_grants)
    client.force_login(county.cadre)
    mine = {"pilot_program": program, "pilot_unit": objs["pilot_unit"][0], "pilot_category": objs["pilot_category"][0],
            "pilot_report": objs["pilot_report"][0], "pilot_problem": objs["pilot_problem"][0]}
    for name in PILOT_NAMES:
        kind = URL_CASES[name]
        url = reverse(name, args=[mine[kind].pk] if kind else [])
        response = client.post(url) if name in POST_FILES else client.get(url)
        if response.status_code in (403, 405):
            continue
        assert response.status_code in (200, 302), (name, response.status_code)
        text = _text(response)
        assert "山口村" not in text, f"{name} shows 山口村 to the cadre of 东街村"
    # and 山口村's own pages are not found
    assert client.get(reverse("pilots:unit", args=[hill.pk])).status_code == 404
    assert client.get(reverse("pilots:report_create", args=[hill.pk])).status_code == 404


def test_pilot_pages_need_a_login(client, county):
    objs = {k: v[0] for k, v in pilot_objects(county).items()}
    for name in PILOT_NAMES:
        kind = URL_CASES[name]
        url = reverse(name, args=[objs[kind].pk] if kind else [])
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, name


def test_summaries_side_by_side_in_excel_and_pdf(client, county):
    from pilots.models import PilotUnit
    from pilots.services import programs

    from .helpers import make_unit

    objs = pilot_objects(county, [county.east])
    make_unit(county.admin, objs["pilot_program"][0], county.hill, county.two_grants)
    unit = PilotUnit.objects.get(organization=county.east)
    programs.save_summary(county.admin, unit, "按在职、流动分类管理，流动党员线上学习。")
    program = objs["pilot_program"][0]
    client.force_login(county.admin)
    xlsx = _text(client.post(reverse("pilots:summaries_xlsx", args=[program.pk])))
    assert "东街村党支部" in xlsx and "山口村党支部" in xlsx and "流动党员线上学习" in xlsx and "（尚未提交）" in xlsx
    pdf = _text(client.post(reverse("pilots:summaries_pdf", args=[program.pk])))
    assert "经验材料汇总" in pdf and "东街村党支部" in pdf
    client.force_login(county.cadre)  # follows 东街村 only
    xlsx = _text(client.post(reverse("pilots:summaries_xlsx", args=[program.pk])))
    assert "东街村党支部" in xlsx and "山口村" not in xlsx
