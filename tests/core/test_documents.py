"""Registers in print: labels by level, the filters under the title, wide tables that stay legible,
and long PDFs that carry one font subset."""

import datetime
import io
import re
import subprocess

import openpyxl
import pytest
from django.urls import reverse

from branches.choices import OrgKind
from conftest import bulk_members, make_member, make_org
from core.documents import Column, Register, render_pdf
from core.documents import labels as doc_labels
from core.documents import pdf as doc_pdf
from core.documents.fit import SIZES, fit_columns
from members.roster import COLUMNS


def run(cmd, content):
    return subprocess.run(cmd, input=content, capture_output=True, check=True).stdout.decode()


def pdf_text(content, layout=True):
    return run(["pdftotext", *(["-layout"] if layout else []), "-", "-"], content)


def font_names(content):
    lines = run(["pdffonts", "-"], content).splitlines()[2:]
    return [line.split()[0] for line in lines]


def sheet(content):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def test_every_organization_kind_has_its_seal_and_signer():
    assert set(doc_labels.BY_KIND) == {k.value for k in OrgKind}
    assert doc_labels.signatory("branch").unit == "党支部（盖章）："
    assert doc_labels.signatory("group") == doc_labels.Signatory("党小组：", "党小组组长（签字）：")


@pytest.mark.parametrize("who, org, unit, signer", [
    ("secretary", None, "党支部（盖章）：东街村党支部", "党支部书记（签字）："),
    ("committee", None, "党委（盖章）：城关镇党委", "党委书记（签字）："),
    ("committee", "east", "党支部（盖章）：东街村党支部", "党支部书记（签字）："),
    ("admin", None, "县委组织部（盖章）：X县委", "负责人（签字）："),
    ("admin", "works", "党工委（盖章）：县直机关工委", "党工委书记（签字）："),
    ("admin", "general", "党总支（盖章）：城关镇机关党总支", "党总支书记（签字）："),
    ("secretary", "east_group", "党小组：东街村第一党小组", "党小组组长（签字）："),
    ("two_grants", None, "填报单位（盖章）：", "负责人（签字）："),  # no one organization speaks for the list
])
def test_roster_downloads_carry_the_labels_of_their_level(client, county, who, org, unit, signer):
    county.works = make_org("县直机关工委", OrgKind.WORKING_COMMITTEE, county.root)
    county.general = make_org("城关镇机关党总支", OrgKind.GENERAL_BRANCH, county.town)
    for parent in (county.works, county.general):  # a list of 0 rows makes no file
        make_member(make_org(f"{parent.name}第一党支部", OrgKind.BRANCH, parent), f"{parent.name[:2]}党员")
    client.force_login(getattr(county, who))
    params = {"org": getattr(county, org).pk} if org else {}
    ws = sheet(client.post(reverse("members:export_xlsx"), params).content)
    assert ws["A2"].value.startswith(unit + "　　截至")
    footer = [c.value for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("填表人")]
    assert len(footer) == 1 and signer in footer[0]
    text = pdf_text(client.post(reverse("members:export_pdf"), params).content)
    assert unit in text and signer in text


def test_a_filtered_roster_names_its_filters_under_the_title(client, county):
    county.east1.is_mobile = True
    county.east1.save()
    client.force_login(county.secretary)
    params = {"category": "full", "mobile": "yes", "sort": "name"}
    ws = sheet(client.post(reverse("members:export_xlsx"), params).content)
    assert ws["A1"].value == "党员名册"
    assert ws["A2"].value == "筛选条件：人员类别＝正式党员；是否流动党员＝是"
    assert ws["A3"].value.startswith("党支部（盖章）：东街村党支部")
    assert ws["A4"].value == "序号" and ws["B5"].value == "张东一" and ws["B6"].value is None
    text = pdf_text(client.post(reverse("members:export_pdf"), params).content)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[:3] == ["党员名册", "筛选条件：人员类别＝正式党员；是否流动党员＝是", lines[2]]
    assert lines[2].startswith("党支部（盖章）：东街村党支部")
    # No filter, no line: the unit line stays right under the title.
    ws = sheet(client.post(reverse("members:export_xlsx")).content)
    assert ws["A2"].value.startswith("党支部（盖章）：")
    assert "筛选条件" not in pdf_text(client.post(reverse("members:export_pdf"), {"sort": "name"}).content)


def test_all_roster_columns_print_every_id_number_and_date_whole(client, county, tmp_path):
    members = bulk_members(county.east, 12)
    for m in members[:3]:
        m.notes = "长期在外务工，" * 6
        m.residence = "江苏省泰州市兴化市昭阳街道长安社区幸福路一百二十八号"
        m.save()
    client.force_login(county.secretary)
    content = client.post(reverse("members:export_pdf"), {"columns": [c.key for c in COLUMNS]}).content
    text = pdf_text(content)
    for m in members:
        line = next((line for line in text.splitlines() if m.id_number in line), None)
        assert line is not None, m.id_number  # whole, on one line
        assert f"{m.birth_date.year}年{m.birth_date.month}月{m.birth_date.day}日" in line
        assert m.phone in line
    assert "另有" not in text  # all 27 columns fit (A4 or A3), none left out
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-", str(tmp_path / "all_columns")],
                   input=content, check=True)
    import shutil
    from pathlib import Path

    out = Path("test-artifacts")
    out.mkdir(exist_ok=True)
    shutil.copy(next(tmp_path.glob("all_columns*.png")), out / "roster_all_columns.png")


def test_fit_shrinks_then_widens_then_leaves_columns_out_with_a_note():
    def cols(n):
        return [Column("seq", "序号", None, 4, always=True, nowrap=True)] + [
            Column(f"id{i}", f"号码{i}", lambda o: o, 17, nowrap=True) for i in range(n)
        ]
    ems = {f"id{i}": 18 * 0.6 for i in range(40)} | {"seq": 1.2}
    few = fit_columns(cols(4), ems)
    assert (few.page, few.font_pt, few.dropped) == ("A4 landscape", 9.5, [])
    some = fit_columns(cols(8), ems)
    assert some.page == "A4 landscape" and SIZES[-1] <= some.font_pt < 9.5 and not some.dropped
    many = fit_columns(cols(10), ems)
    assert many.page == "A3 landscape" and not many.dropped
    too_many = fit_columns(cols(30), ems)
    assert too_many.page == "A3 landscape" and too_many.font_pt == SIZES[-1]
    assert too_many.columns[0].key == "seq" and too_many.dropped
    assert [c.key for c in too_many.columns + too_many.dropped] == [c.key for c in cols(30)]
    assert too_many.note == f"另有{len(too_many.dropped)}列未打印：" + "、".join(c.header for c in too_many.dropped)


def test_columns_that_do_not_fit_are_named_in_the_pdf():
    columns = [Column("seq", "序号", None, 4, always=True, nowrap=True)] + [
        Column(f"id{i}", f"号码{i}", lambda o: o, 17, nowrap=True) for i in range(30)
    ]
    buf = io.BytesIO()
    render_pdf(Register("宽表", columns), ["110101198001010011"] * 3, buf)
    text = pdf_text(buf.getvalue(), layout=False)
    found = re.search(r"另有(\d+)列未打印：((?:号码\d+、?)+)", text)
    assert found, text
    n, names = int(found.group(1)), found.group(2).split("、")
    assert 0 < n < 30 and names == [f"号码{i}" for i in range(30 - n, 30)]  # the rightmost ones
    assert f"号码{29 - n}" in text.replace(found.group(0), "")  # the last one printed
    assert text.count("110101198001010011") == 3 * (30 - n)


def test_a_long_pdf_embeds_one_font_subset(client, county, monkeypatch):
    bulk_members(county.east, 118)  # 120 rows
    client.force_login(county.secretary)
    params = {"columns": ["name", "id_number", "branch", "birth_date"], "sort": "name"}
    whole = client.post(reverse("members:export_pdf"), params).content  # one chunk
    monkeypatch.setattr(doc_pdf, "CHUNK_ROWS", 25)  # five chunks
    chunked = client.post(reverse("members:export_pdf"), params).content
    names = font_names(chunked)
    assert len(names) == len(set(names)) == 2, names  # one regular and one bold subset, not one per chunk
    assert all("Noto-Sans-CJK" in n for n in names)
    assert len(chunked) < 1.25 * len(whole), (len(chunked), len(whole))
    text = pdf_text(chunked)
    assert text.count("党员名册") == 1 and "第 1 页，共" in text
    pages = int(run(["pdfinfo", "-"], chunked).split("Pages:")[1].split()[0])
    assert f"第 {pages} 页，共 {pages} 页" in text
    seqs = [int(line.split()[0]) for line in text.splitlines() if line.split() and line.split()[0].isdigit()]
    assert seqs == list(range(1, 121))  # the carrier pages are gone, no row lost or repeated
    assert datetime.date.today().year  # (dates are printed in Chinese, checked above)
