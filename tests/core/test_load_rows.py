"""core.documents.load_rows: a register reads only the fields its columns name, as light rows."""

from core.documents import Column, load_rows
from members.models import Member
from members.roster import COLUMNS, ROW_FIELDS


def test_rows_carry_the_columns_fields_nested_by_relation(county, django_assert_num_queries):
    columns = [Column("seq", "序号", None), Column("name", "姓名", lambda m: m.name, fields=("name",)),
               Column("branch", "支部", lambda m: m.organization.name, fields=("organization__name",))]
    qs = load_rows(Member.objects.filter(pk=county.east1.pk), columns, "organization__path")
    with django_assert_num_queries(1):
        (row,) = list(qs)
        assert (row.pk, row.name, row.organization.name) == (county.east1.pk, "张东一", "东街村党支部")
        assert row.organization.path == county.east.path
    assert not hasattr(row, "id_number")  # not read: a column that forgot to name it fails loudly
    assert qs.filter(name="张东一").count() == 1 and list(qs.values_list("pk", flat=True)) == [county.east1.pk]


def test_a_column_without_fields_keeps_model_objects(county):
    columns = [Column("name", "姓名", lambda m: m.name, fields=("name",)), Column("x", "X", lambda m: m.phone)]
    qs = Member.objects.filter(pk=county.east1.pk)
    assert load_rows(qs, columns) is qs


def test_every_roster_column_reads_from_a_row(county):
    """Each roster column names what it reads: every value computes from a row without error."""
    rows = list(load_rows(Member.objects.all(), COLUMNS, *ROW_FIELDS))
    for row in rows:
        for column in COLUMNS:
            column.export_value(row, 1)
            column.screen_cell()(row, 1)
    assert {r.pk for r in rows} == set(Member.objects.values_list("pk", flat=True))


def test_rows_nest_several_levels_and_keep_every_value(county):
    """Rows are built from the database's tuples with the names split once per query: the same
    attributes, nested as deep as the lookups go, as a values() dict per row gives."""
    from core.documents.register import Row

    def nested(values):  # a values() dict with `a__b` keys as {"a": {"b": …}}
        out = {}
        for key, value in values.items():
            *heads, last = key.split("__")
            node = out
            for head in heads:
                node = node.setdefault(head, {})
            node[last] = value
        return out

    fields = ("pk", "name", "birth_date", "is_mobile", "organization__name", "organization__parent__name",
              "organization__parent__path", "party_group__name")
    columns = [Column("x", "X", lambda m: m.name, fields=fields)]
    rows = list(load_rows(Member.objects.order_by("pk"), columns))
    expected = [nested(values) for values in Member.objects.order_by("pk").values(*fields)]
    assert len(rows) == len(expected) == Member.objects.count()

    def flat(row):
        return {k: flat(v) if isinstance(v, Row) else v for k, v in vars(row).items()}

    assert [flat(r) for r in rows] == expected
    east1 = next(r for r in rows if r.pk == county.east1.pk)
    assert east1.organization.parent.name == "城关镇党委" and east1.organization.parent.path == county.town.path
    assert isinstance(east1.is_mobile, bool) and east1.birth_date == county.east1.birth_date
