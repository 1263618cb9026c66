"""One person, one ID number: numbers typed in full-width, Arabic-Indic or Devanagari digits, with
spaces or dashes, are the same number as the plain one — when checked, stored, compared, searched."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.validators import normalize_number, normalize_phone
from members import idcard, services
from members.models import Member
from tests.members.test_member_views import valid_post

FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


def disguises(number):
    """The same number as a person or a broken import might type it."""
    return [
        number.translate(FULL_WIDTH),
        number.translate(ARABIC_INDIC),
        number.translate(DEVANAGARI),
        f"{number[:6]} {number[6:14]} {number[14:]}",
        f"{number[:6]}-{number[6:14]}－{number[14:]}",
        f"{number[:6]}\u3000{number[6:]}",
    ]


def test_normalize_number_handles_every_digit_script():
    assert normalize_number("３２０９８１") == "320981"
    assert normalize_number("٣٢٠٩٨١") == "320981"  # NFKC alone leaves these as they are
    assert normalize_number("३२०९८१") == "320981"
    assert normalize_number("11010519491231002ｘ") == "11010519491231002X"
    assert normalize_number("138-0000 0000") == "13800000000"
    assert normalize_phone("+86 138 0000 0000") == "13800000000"
    assert normalize_phone("１３８−００００−００００") == "13800000000"
    # not a digit: kept, so that the check refuses it
    assert idcard.validate("11010519491231002Y") is not None
    assert idcard.validate("²" * 18) is not None  # superscripts are not decimal digits


@pytest.mark.parametrize("index", range(6))
def test_a_disguised_copy_of_an_id_on_the_roll_is_a_duplicate(client, county, index):
    number = county.east1.id_number
    disguised = disguises(number)[index]
    assert disguised != number
    client.force_login(county.secretary)
    response = client.post(reverse("members:create"), valid_post(county, id_number=disguised))
    assert "已登记为在册党员" in response.content.decode()
    assert Member.objects.filter(name="陈新").count() == 0


def test_the_service_refuses_a_disguised_duplicate_too(county):
    twin = Member(**{f.attname: getattr(county.east1, f.attname) for f in Member._meta.concrete_fields
                     if f.name != "id"})
    twin.id_number = county.east1.id_number.translate(ARABIC_INDIC)
    with pytest.raises(ValidationError, match="已登记为在册党员"):
        services.create_member(county.admin, twin)


def test_numbers_are_stored_in_ascii(client, county):
    client.force_login(county.secretary)
    data = valid_post(county)
    plain = data["id_number"]
    data["id_number"] = plain.translate(FULL_WIDTH)
    data["phone"] = "١٣٩ ١٢٣٤ ٥٦٧٨"
    response = client.post(reverse("members:create"), data)
    assert response.status_code == 302
    m = Member.objects.get(name="陈新")
    assert (m.id_number, m.phone) == (plain, "13912345678")


def test_a_disguised_number_finds_the_member_in_the_roster(client, county):
    client.force_login(county.admin)
    url = reverse("members:roster")
    for disguised in disguises(county.west1.id_number):
        names = [m.name for m, _ in client.get(url, {"q": disguised}).context["rows"]]
        assert names == ["李西一"], disguised
    Member.objects.filter(pk=county.hill1.pk).update(phone="13655556666")
    for q in ("１３６５５５５６６６６", "136-5555-6666", "٥٥٥٥٦٦٦٦"):
        assert [m.name for m, _ in client.get(url, {"q": q}).context["rows"]] == ["王山一"], q


def test_the_migration_normalizes_stored_numbers_but_not_a_clash(county):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("members.migrations.0002_normalize_numbers")
    Member.objects.filter(pk=county.east2.pk).update(
        id_number=county.east2.id_number.translate(FULL_WIDTH), phone="139 0000 1111")
    clash = county.east1.id_number.translate(ARABIC_INDIC)
    Member.objects.filter(pk=county.west1.pk).update(id_number=clash)  # a duplicate let in before
    migration.normalize(apps, None)
    east2, west1 = Member.objects.get(pk=county.east2.pk), Member.objects.get(pk=county.west1.pk)
    assert (east2.id_number, east2.phone) == (county.east2.id_number, "13900001111")
    assert west1.id_number == clash  # left for a person to resolve
