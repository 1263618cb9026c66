import pytest

from ratings.choices import STAR_FIELDS
from ratings.models import CriteriaSet, RatingEntry, RatingQuarter, RatingSheet


@pytest.mark.django_db
def test_entry_keeps_star_count_and_grade_in_step(county):
    q = RatingQuarter.objects.create(year=2026, quarter=3, opens_on="2026-10-01", due_on="2026-10-20")
    sheet = RatingSheet.objects.create(quarter=q, branch=county.east)
    cs = CriteriaSet.objects.get(audience="in_post")
    e = RatingEntry(sheet=sheet, member=county.east1, criteria_set=cs, rated=True,
                    **{f: True for f in STAR_FIELDS})
    e.save()
    assert (e.star_count, e.grade) == (5, "excellent")
    e.integrity = e.study = e.service = False
    e.save(update_fields=["integrity", "study", "service"])
    e.refresh_from_db()
    assert (e.star_count, e.grade) == (2, "unqualified")
    assert RatingSheet.objects.visible_to(county.secretary).count() == 1
    assert RatingSheet.objects.visible_to(county.sibling_secretary).count() == 0


@pytest.mark.django_db
def test_default_criteria_sets_have_every_star():
    for cs in CriteriaSet.objects.all():
        assert set(cs.texts()) == set(STAR_FIELDS)
    assert CriteriaSet.objects.count() == 2


@pytest.mark.django_db
def test_missing_default_criteria_come_back(county):
    """A flushed database (transactional tests) has lost migration 0002's sets: they are made again."""
    from ratings import criteria

    CriteriaSet.objects.all().delete()
    assert set(criteria.in_force(2026, 4)) == {"in_post", "retired"}
