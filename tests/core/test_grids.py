"""Statistical grids: merged headers, row groups, totals and sum invariants, in HTML, Excel and PDF
from one definition; a grid whose sums do not reconcile is refused before anything is rendered."""

import io
import subprocess

import openpyxl
import pytest
from django.template.loader import render_to_string

from core.documents import Grid, GridError, GridRow, SumOfColumns, SumOfRows, col, group, render_pdf, render_xlsx

CATEGORIES = [("rural", "农村"), ("enterprise", "非公有制企业"), ("community", "街道社区")]


def annex4(values, **kw):
    """A part of 附件4 (与党组织失去联系党员管理及处置情况汇总表): 总计, then rows by 党组织类别."""
    columns = [
        col("all", "处置人数合计"),
        group("规范管理情况", col("managed", "纳入组织管理"), col("cancel", "取消预备党员资格"),
              col("kept", "保留组织关系"), col("stopped", "停止党籍")),
        group("组织处置情况", col("correct", "限期改正"), col("quit", "退党除名"), col("lapsed", "自行脱党除名")),
    ]
    rows = [GridRow("total", "总计", code="01")] + [
        GridRow(key, label, code=f"{i:02d}", group="党组织类别") for i, (key, label) in enumerate(CATEGORIES, start=2)
    ]
    parts = ("managed", "cancel", "kept", "stopped", "correct", "quit", "lapsed")
    return Grid(title="与党组织失去联系党员管理及处置情况汇总表", columns=columns, rows=rows, values=values,
                invariants=[SumOfRows("total"), SumOfColumns("all", parts)], unit_name="城关镇党委", **kw)


def sample_values():
    v = {}
    data = {"rural": (3, 0, 1, 2, 0, 1, 4), "enterprise": (1, 1, 0, 0, 2, 0, 0), "community": (0, 0, 0, 5, 1, 0, 0)}
    for row, numbers in data.items():
        for key, n in zip(("managed", "cancel", "kept", "stopped", "correct", "quit", "lapsed"), numbers, strict=True):
            v[(row, key)] = n
    return v  # 总计 and 处置人数合计 are filled from the invariants


def test_totals_are_filled_from_the_invariants():
    grid = annex4(sample_values())
    assert grid.value("rural", "all") == 11
    assert grid.value("total", "stopped") == 7
    assert grid.value("total", "all") == 11 + 4 + 6


def test_a_total_that_does_not_reconcile_is_refused_naming_the_cell_and_both_numbers():
    values = sample_values()
    values[("total", "stopped")] = 8  # the rows below add up to 7
    with pytest.raises(GridError) as err:
        annex4(values)
    assert str(err.value) == ("与党组织失去联系党员管理及处置情况汇总表：第01行「总计」、第5列「停止党籍」为 8，"
                              "而以下各行之和为 7，两数不符，表格不予生成。")
    values = sample_values()
    values[("community", "all")] = 5  # columns 2–8 of that row add up to 6
    with pytest.raises(GridError, match="第04行「街道社区」、第1列「处置人数合计」为 5，而第2、3、4、5、6、7、8列之和为 6"):
        annex4(values)


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_every_cell_is_a_non_negative_integer(bad):
    values = sample_values()
    values[("rural", "kept")] = bad
    with pytest.raises(GridError, match="第02行「农村」、第4列「保留组织关系」应为非负整数"):
        annex4(values)


def test_unknown_cells_are_refused():
    values = sample_values()
    values[("nowhere", "kept")] = 1
    with pytest.raises(GridError, match="没有"):
        annex4(values)


def test_a_broken_grid_never_reaches_a_renderer(monkeypatch):
    from weasyprint import HTML

    monkeypatch.setattr(HTML, "write_pdf", lambda *a, **k: pytest.fail("rendered a broken grid"))
    values = sample_values()
    values[("total", "quit")] = 0
    with pytest.raises(GridError):
        render_pdf(annex4(values), None, io.BytesIO())


def test_excel_has_merged_headers_row_groups_and_numbers_as_numbers():
    buf = io.BytesIO()
    render_xlsx(annex4(sample_values()), None, buf)
    ws = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    # Row 1 title over the 11 columns (2 stub + 行号 + 8), row 2 the unit line, headers on rows 3–4.
    assert ws["A1"].value == "与党组织失去联系党员管理及处置情况汇总表" and "A1:K1" in merged
    assert ws["A2"].value.startswith("填报单位（盖章）：城关镇党委")
    assert ws["A3"].value == "项目" and "A3:B4" in merged  # the stub header over the group + label columns
    assert ws["C3"].value == "行号" and "C3:C4" in merged
    assert ws["D3"].value == "处置人数合计" and "D3:D4" in merged
    assert ws["E3"].value == "规范管理情况" and "E3:H3" in merged
    assert ws["I3"].value == "组织处置情况" and "I3:K3" in merged
    assert [c.value for c in ws[4]][4:] == ["纳入组织管理", "取消预备党员资格", "保留组织关系", "停止党籍", "限期改正",
                                            "退党除名", "自行脱党除名"]
    assert [c.value for c in ws[5]] == ["甲", None, "乙", "1", "2", "3", "4", "5", "6", "7", "8"]
    assert "A5:B5" in merged
    assert [c.value for c in ws[6]] == ["总计", None, "01", 21, 4, 1, 1, 7, 3, 1, 4] and "A6:B6" in merged
    assert ws["A7"].value == "党组织类别" and "A7:A9" in merged  # the row group spans its three rows
    assert [c.value for c in ws[7]][1:] == ["农村", "02", 11, 3, 0, 1, 2, 0, 1, 4]
    assert ws["D7"].data_type == "n" and ws["D7"].border.left.style == "thin"
    assert ws["A11"].value.startswith("负责人（签名）：")


def test_html_include_has_the_spans():
    html = render_to_string("core/_grid_table.html", {"grid": annex4(sample_values())})
    assert '<th scope="col" colspan="4">规范管理情况</th>' in html
    assert '<th scope="col" colspan="2" rowspan="2">项目</th>' in html
    assert '<th scope="row" rowspan="3">党组织类别</th>' in html
    assert '<td class="num">21</td>' in html


def test_pdf_reads_back():
    buf = io.BytesIO()
    render_pdf(annex4(sample_values(), filters=[("党组织类别", "全部")]), None, buf)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=buf.getvalue(), capture_output=True,
                          check=True).stdout.decode()
    for expected in ["与党组织失去联系党员管理及处置情况汇总表", "筛选条件：党组织类别＝全部", "填报单位（盖章）：城关镇党委",
                     "规范管理情况", "组织处置情况", "自行脱党除名", "党组织类别", "负责人（签名）：", "第 1 页，共 1 页"]:
        assert expected in text, expected
    total_line = next(line for line in text.splitlines() if "总计" in line)
    assert total_line.split()[1:] == ["01", "21", "4", "1", "1", "7", "3", "1", "4"]
