"""流动党员管理有关情况统计表 (members/mobile_stats.py, members/mobile_stats_views.py): counted from the
out-flow and in-flow records by the organizations under the one chosen, read back from Excel cell
by cell and from the PDF's text, scoped, audited, at a constant number of queries."""

import datetime
import io
import pathlib
import subprocess

import openpyxl
import pytest
from django.urls import reverse

from branches.choices import OrgKind
from conftest import bulk_members, make_id, make_org
from core.documents import GridError
from core.models import AuditEntry
from members import mobile, mobile_stats
from members.models import Member

D = datetime.date
ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "test-artifacts"
# FORMS.md (PROPOSED county table), with the two range columns that make 合计 reconcile
HEADERS = ["党员总数", "流出党员数", "已转移组织关系", "持《流动党员活动证》", "与流入地党组织建立联系", "失去联系",
           "流入党员数", "建立流动党员党组织数"]
LEAVES = ["党员总数", "合计", "跨省", "省内跨市（地）", "市内跨县", "县内", "未注明范围", "已转移组织关系",
          "持《流动党员活动证》", "与流入地党组织建立联系", "失去联系", "流入党员数", "建立流动党员党组织数"]


def out(county, member, **over):
    data = {"started_on": D(2024, 3, 1), "place": "江苏省苏州市", "reach": "", "employer": "苏州某厂", "host_org": "",
            "contact_person": "王经理", "contact_phone": "13700001111", "reason": "外出务工经商", "card_number": "",
            "notes": ""}
    data.update(over)
    return mobile.start_outflow(county.admin, member, data)


def inflow(county, org, name):
    return mobile.register_inflow(county.admin, {
        "organization": org, "name": name, "gender": "男", "id_number": make_id(D(1988, 4, 12), region="420102"),
        "joined_on": D(2012, 7, 1), "category": "full", "phone": "13912345678", "home_org": "湖北省某村党支部",
        "started_on": D(2025, 2, 10), "place": "湖北省武汉市", "reason": "外出务工经商", "employer": "县城建筑公司"})


@pytest.fixture
def flows(county):
    """城关镇: 张东一 跨省 with a card and a host organization, 张东二 市内跨县 and lost, 李西一 返回 (ended);
    青山乡: 王山一 out with no range; an in-flow into 东街村; 城关镇流动党员党支部 (no members)."""
    out(county, county.east1, reach="province", card_number="LD2024001", host_org="昆山开发区流动党员党支部")
    out(county, county.east2, reach="county")
    Member.objects.filter(pk=county.east2.pk).update(is_lost_contact=True, lost_contact_reason="1",
                                                    lost_contact_since=D(2024, 5, 1))
    back = out(county, county.west1, reach="city")
    mobile.end_period(county.admin, back, D(2025, 1, 1))
    out(county, county.hill1)
    inflow(county, county.east, "陈外来")
    make_org("城关镇流动党员党支部", OrgKind.BRANCH, county.town)
    return county


def row_values(grid, key):
    return [grid.value(key, leaf.key) for leaf in grid.leaves]


def test_county_table_counts_each_committee(flows):
    grid = mobile_stats.grid(flows.root, today=D(2026, 12, 6))
    town, hill = f"o{flows.town.pk}", f"o{flows.other_town.pk}"
    assert [r.label for r in grid.rows] == ["合计", "城关镇党委", "青山乡党委"]
    assert [leaf.label for leaf in grid.leaves] == LEAVES
    #                                    members out prov city cnty local none transf card linked lost in orgs
    assert row_values(grid, town) == [3, 2, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1]
    assert row_values(grid, hill) == [1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert row_values(grid, "total") == [4, 3, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1]


def test_committee_table_has_a_row_per_branch_and_a_branch_one_row(flows):
    grid = mobile_stats.grid(flows.town)
    assert [r.label for r in grid.rows] == ["合计", "东街村党支部", "西街村党支部", "城关镇流动党员党支部"]
    assert row_values(grid, f"o{flows.west.pk}")[:2] == [1, 0]  # 李西一 came back
    branch = mobile_stats.grid(flows.east)
    assert [r.label for r in branch.rows] == ["东街村党支部"]
    assert row_values(branch, "total")[:3] == [2, 2, 1]


def test_a_transferred_member_still_away_counts_as_transferred(flows):
    Member.objects.filter(pk=flows.east1.pk).update(roll_state="transferred_out")
    grid = mobile_stats.grid(flows.town)
    east = row_values(grid, f"o{flows.east.pk}")
    assert east[0] == 1 and east[1] == 2 and east[7] == 1  # 党员总数 on the roll only; 已转移 1


def test_a_range_the_table_does_not_know_does_not_reconcile(flows, monkeypatch):
    real = mobile_stats.counts

    def broken(unit):
        found = real(unit)
        found[flows.town.path]["out"] += 1  # one out-flow no range column takes
        return found

    monkeypatch.setattr(mobile_stats, "counts", broken)
    with pytest.raises(GridError, match="「合计」、第2列「合计」为 4，而第3、4、5、6、7列之和为 3，两数不符，表格不予生成"):
        mobile_stats.grid(flows.root)


def test_queries_are_constant_in_the_number_of_members(flows, django_assert_num_queries):
    with django_assert_num_queries(5):
        mobile_stats.grid(flows.root)
    bulk_members(flows.hill, 60)
    for m in Member.objects.filter(organization=flows.hill)[:20]:
        out(flows, m, reach="city")
    with django_assert_num_queries(5):
        grid = mobile_stats.grid(flows.root)
    assert grid.value(f"o{flows.other_town.pk}", "city") == 20


def test_excel_reads_back_cell_by_cell(client, flows):
    client.force_login(flows.admin)
    response = client.get(reverse("members:mobile_stats_xlsx"), {"org": flows.root.pk})
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value == "流动党员管理有关情况统计表" and "A1:N1" in merged
    assert ws["A2"].value.startswith("填报单位（盖章）：X县委　　截至")
    assert ws["A3"].value == "党组织" and "A3:A4" in merged
    assert ws["B3"].value == "党员总数" and "B3:B4" in merged
    assert ws["C3"].value == "流出党员数" and "C3:H3" in merged
    assert [c.value for c in ws[4]][2:8] == LEAVES[1:7]
    assert [ws.cell(3, c).value for c in range(9, 15)] == HEADERS[2:]
    assert [c.value for c in ws[5]] == ["甲", *[str(i) for i in range(1, 14)]]
    assert [c.value for c in ws[6]] == ["合计", 4, 3, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1]
    assert [c.value for c in ws[7]] == ["城关镇党委", 3, 2, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1]
    assert [c.value for c in ws[8]] == ["青山乡党委", 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert ws["A10"].value.startswith("负责人（签名）：")


def test_pdf_reads_back_and_the_download_is_audited(client, flows):
    client.force_login(flows.committee)
    response = client.get(reverse("members:mobile_stats_pdf"), {"org": flows.town.pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "mobile_stats.pdf").write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    for expected in ["流动党员管理有关情况统计表", "填报单位（盖章）：城关镇党委", "流出党员数", "负责人（签名）：",
                     "第 1 页，共 1 页"]:
        assert expected in text, expected
    raw = subprocess.run(["pdftotext", "-raw", "-", "-"], input=response.content, capture_output=True,
                         check=True).stdout.decode()
    flat = "".join(raw.split())  # cell by cell, each header's wrapped lines joined
    for header in ["党组织", *LEAVES]:
        assert header in flat, header
    east = next(line for line in text.splitlines() if line.strip().startswith("东街村党支部"))
    assert east.split()[1:] == ["2", "2", "1", "0", "1", "0", "0", "0", "1", "1", "1", "1", "0"]
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == flows.committee and entry.object_id == str(flows.town.pk)
    assert "导出PDF《流动党员管理有关情况统计表_城关镇党委_" in entry.reason


def test_the_page_defaults_to_the_users_organization(client, flows):
    client.force_login(flows.secretary)
    page = client.get(reverse("members:mobile_stats")).content.decode()
    assert "东街村党支部" in page and "西街村党支部" not in page and "青山乡党委" not in page
    assert reverse("members:mobile_stats_xlsx") + f"?org={flows.east.pk}" in page
    ledger = client.get(reverse("members:mobile_ledger")).content.decode()
    assert reverse("members:mobile_stats") in ledger


@pytest.mark.parametrize("viewer, org", [("sibling_secretary", "east"), ("other_committee", "town"),
                                         ("committee", "other_town"), ("secretary", "town")])
def test_an_organization_outside_the_scope_answers_404(client, flows, viewer, org):
    client.force_login(getattr(flows, viewer))
    pk = getattr(flows, org).pk
    for name in ("members:mobile_stats", "members:mobile_stats_xlsx", "members:mobile_stats_pdf"):
        assert client.get(reverse(name), {"org": pk}).status_code == 404, name
    assert not AuditEntry.objects.filter(action="export").exists()
