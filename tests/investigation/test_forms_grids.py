"""The pure parts of the investigation's forms: the lost-contact time ranges at their edges (Python and
database alike), and 附件3/附件4 as grids: rows by 党组织类别 with 总计, FORMS.md's columns, the sums
enforced with the reason in Chinese."""

import datetime

import pytest

from core.documents import GridError
from investigation import annexes, lost_time

D = datetime.date


@pytest.mark.parametrize("since, end, expected", [
    (D(2025, 3, 1), D(2025, 8, 31), lost_time.UNDER),  # 5 months 30 days
    (D(2025, 3, 1), D(2025, 9, 1), "m6"),  # exactly six months: 6个月以上 (含本数)
    (D(2025, 3, 1), D(2026, 2, 28), "m6"),  # 11 months 27 days: 不满1年
    (D(2025, 3, 1), D(2026, 3, 1), "y1_5"),  # exactly one year
    (D(2020, 3, 1), D(2026, 2, 28), "y1_5"),  # 5 years 11 months: still 1年至5年
    (D(2020, 3, 1), D(2026, 3, 1), "y6_10"),  # 6 whole years
    (D(2015, 3, 2), D(2026, 3, 1), "y6_10"),  # a day short of 11 years
    (D(2015, 3, 1), D(2026, 3, 1), "y11"),  # 11 whole years
    (D(1990, 1, 1), D(2026, 3, 1), "y11"),
    (D(2025, 8, 31), D(2026, 2, 28), "m6"),  # 31 August + 6 months = 28 February (the month's end)
    (D(2025, 8, 31), D(2026, 2, 27), lost_time.UNDER),
    (D(2024, 2, 29), D(2025, 2, 28), "y1_5"),  # a leap day + 12 months = 28 February
    (D(2026, 5, 1), D(2026, 3, 1), lost_time.UNDER),  # a date after the end: no time out of contact
    (None, D(2026, 3, 1), lost_time.UNKNOWN),
])
def test_ranges_at_their_edges(since, end, expected):
    assert lost_time.bucket(since, end) == expected


@pytest.mark.parametrize("end", [D(2026, 2, 28), D(2026, 3, 1), D(2024, 2, 29), D(2026, 8, 31), D(2026, 12, 6)])
def test_cutoff_is_the_last_date_of_each_range(end):
    one = datetime.timedelta(days=1)
    for key, _, months in lost_time.RANGES:
        cut = lost_time.cutoff(end, months)
        assert lost_time.months_out(cut, end) >= months
        assert lost_time.months_out(cut + one, end) < months


@pytest.mark.django_db
def test_the_database_case_agrees_with_python():
    """bucket_expression over a date column, for days across 12 years and on each range's edges,
    equals bucket() (one query)."""
    from branches.choices import OrgKind
    from conftest import bulk_members, make_org
    from members.models import Member

    end = D(2026, 2, 28)
    days = [end - datetime.timedelta(days=n) for n in range(0, 12 * 366, 9)] + [
        lost_time.cutoff(end, m) + datetime.timedelta(days=d) for _, _, m in lost_time.RANGES for d in (0, 1)]
    days.append(None)
    county = make_org("X县委", OrgKind.COUNTY, None)
    branch = make_org("东街村党支部", OrgKind.BRANCH, make_org("城关镇党委", OrgKind.COMMITTEE, county))
    members = bulk_members(branch, len(days))
    for m, day in zip(members, days, strict=True):
        m.lost_contact_since = day
    Member.objects.bulk_update(members, ["lost_contact_since"])
    got = Member.objects.annotate(b=lost_time.bucket_expression("lost_contact_since", end)).values_list(
        "lost_contact_since", "b")
    assert sorted(got, key=str) == sorted(((d, lost_time.bucket(d, end)) for d in days), key=str)
    assert {b for _, b in got} == {lost_time.UNDER, lost_time.UNKNOWN, *lost_time.LABELS}


def test_describe():
    assert lost_time.describe(D(2024, 1, 15), D(2026, 4, 15)) == "2年3个月"
    assert lost_time.describe(D(2024, 1, 15), D(2026, 1, 15)) == "2年"
    assert lost_time.describe(D(2025, 9, 15), D(2026, 4, 14)) == "6个月"
    assert lost_time.describe(None, D(2026, 4, 14)) == ""


# -- 附件3 ---------------------------------------------------------------------------------------

END = D(2026, 3, 31)


def annex3_rows():
    """(category, range, reason, n) of the lost, (category, n) of those found within the year."""
    lost = [("3", "m6", "1", 4), ("3", "y1_5", "1", 2), ("3", "y1_5", "6", 1), ("3", "y11", "7", 1),
            ("2", "y6_10", "2", 3), ("2", "m6", "4", 1), ("7", "y1_5", "5", 2)]
    found = [("3", 5), ("7", 1)]
    return lost, found


def test_annex3_layout_and_sums():
    values, problems = annexes.annex3_values(*annex3_rows())
    assert problems == []
    grid = annexes.annex3(values, END, unit_name="X县委")
    assert grid.title == "与党组织失去联系党员情况汇总表"
    assert [r.label for r in grid.rows] == ["总计", "国有企业", "非公有制企业", "农村", "党政机关", "学校", "其他事业单位",
                                            "街道社区", "社会组织", "其他"]
    assert [r.code for r in grid.rows] == [f"{i:02d}" for i in range(1, 11)]
    assert [leaf.label for leaf in grid.leaves] == [
        "截止2026年3月31日未取得联系党员数量", "6个月以上不满1年", "1年至5年", "6年至10年", "11年及以上",
        "①外出务工经商", "②单位改制或破产", "③毕业后去向不明", "④工作单位改变", "⑤出国（境）", "⑥居住地改变", "⑦其他",
        "一年内已取得联系党员数量"]
    assert [h.label for h in grid.columns if h.children] == ["失去联系时间", "失去联系情形"]
    row = lambda key: [grid.value(key, leaf.key) for leaf in grid.leaves]  # noqa: E731
    assert row("c3") == [8, 4, 3, 0, 1, 6, 0, 0, 0, 0, 1, 1, 5]
    assert row("c2") == [4, 1, 0, 3, 0, 0, 3, 0, 1, 0, 0, 0, 0]
    assert row("c7") == [2, 0, 2, 0, 0, 0, 0, 0, 0, 2, 0, 0, 1]
    assert row("c1") == [0] * 13
    assert row("total") == [14, 5, 5, 3, 1, 6, 3, 0, 1, 2, 1, 1, 6]
    assert grid.header_line == "填报单位（盖章）：X县委　　截至　2026年3月31日"
    assert grid.footer.startswith("负责人（签名）：")


@pytest.mark.parametrize("extra, reason", [
    (("3", lost_time.UNDER, "1", 2), "2名失联党员失去联系不满6个月（不属于本表统计范围）"),
    (("2", lost_time.UNKNOWN, "1", 1), "1名失联党员没有失去联系起始日期"),
    (("7", "y1_5", "", 3), "3名失联党员未选择失去联系情形"),
    (("", "y1_5", "1", 1), "1名失联党员所在党组织未设党组织类别"),
])
def test_annex3_that_does_not_reconcile_is_refused_with_the_reason(extra, reason):
    lost, found = annex3_rows()
    values, problems = annexes.annex3_values([*lost, extra], found)
    with pytest.raises(GridError) as err:
        annexes.annex3(values, END, problems)
    message = str(err.value)
    assert message.startswith("与党组织失去联系党员情况汇总表：") and "两数不符，表格不予生成。" in message
    assert f"原因：{reason}。请先核对这些党员的排查记录。" in message


def test_annex3_total_given_wrong_is_refused():
    values, _ = annexes.annex3_values(*annex3_rows())
    values[("total", "r1")] = 7  # the rows add up to 6
    with pytest.raises(GridError, match="第01行「总计」、第6列「①外出务工经商」为 7，而以下各行之和为 6"):
        annexes.annex3(values, END)


def test_annex3_empty_is_all_zeros():
    values, problems = annexes.annex3_values([], [])
    grid = annexes.annex3(values, END)
    assert problems == [] and all(v == 0 for v in grid.values.values())


# -- 附件4 ---------------------------------------------------------------------------------------

def test_annex4_layout_and_sums():
    rows = [("3", "managed", 5), ("3", "suspended", 2), ("3", "lapsed", 1), ("2", "disqualified", 1),
            ("2", "quit", 1), ("7", "retained", 2), ("7", "correct", 1), ("3", "", 9)]  # "" no disposition yet
    grid = annexes.annex4(annexes.annex4_values(rows), END, unit_name="城关镇党委")
    assert grid.title == "与党组织失去联系党员管理及处置情况汇总表"
    assert [(h.label, [leaf.label for leaf in h.leaves()]) for h in grid.columns] == [
        ("规范管理情况", ["纳入组织管理", "取消预备党员资格", "保留组织关系", "停止党籍"]),
        ("组织处置情况", ["限期改正", "退党除名", "自行脱党除名"])]
    assert [grid.value("total", k) for k in annexes.ANNEX4_KEYS] == [5, 1, 2, 2, 1, 1, 1]
    assert [grid.value("c3", k) for k in annexes.ANNEX4_KEYS] == [5, 0, 0, 2, 0, 0, 1]
    assert [r.label for r in grid.rows] == [r.label for r in annexes.CATEGORY_ROWS]


def test_annex4_that_does_not_reconcile_is_refused():
    values = annexes.annex4_values([("3", "suspended", 2), ("", "suspended", 1)])  # a member with no category
    with pytest.raises(GridError, match="第01行「总计」、第4列「停止党籍」为 3，而以下各行之和为 2，两数不符，表格不予生成"):
        annexes.annex4(values, END)
