"""Masked means masked: a read-only role (跟踪指导责任人) cannot rebuild a full ID number from the
roster's columns, its search, its sort keys or its files (reasoning in members/roster.py)."""

import itertools

from django.urls import reverse

from members import idcard
from members.exports import roster as roster_export
from members.models import Member
from members.roster import PHONE_DIGITS, RosterFilterForm


def _rows(response):
    """The members listed on the page, in order (the page holds light rows, not Member objects)."""
    pks = [row.pk for row, _ in response.context["rows"]]
    found = Member.objects.in_bulk(pks)
    return [found[pk] for pk in pks]


def candidates(shown, birth_date, gender, region):
    """Every valid ID consistent with what the roster shows a read-only role about one member
    (the masked number, the birth date and gender columns), the region code assumed known — the
    attacker's best case in a county where nearly everyone shares it."""
    known = list(shown)
    known[:6] = region
    known[6:14] = f"{birth_date:%Y%m%d}"
    free = [i for i, ch in enumerate(known) if ch == "*"]
    found = []
    for digits in itertools.product("0123456789X", repeat=len(free)):
        trial = known[:]
        for i, d in zip(free, digits, strict=True):
            trial[i] = d
        number = "".join(trial)
        if idcard.validate(number) is None and idcard.gender(number) == gender:
            found.append(number)
    return found


def test_what_the_roster_shows_leaves_hundreds_of_candidates(client, county):
    client.force_login(county.cadre)
    page = client.get(reverse("members:roster"), {"columns": ["birth_date", "gender", "id_number"]})
    member = county.east1
    row = next(cells for m, cells in page.context["rows"] if m.pk == member.pk)
    cells = {col.key: value for col, value in row}
    assert member.id_number not in page.content.decode()
    assert member.id_number[-4:] not in cells["id_number"]
    found = candidates(cells["id_number"], member.birth_date, cells["gender"], member.id_number[:6])
    assert member.id_number in found and len(found) >= 100


def test_a_read_only_role_cannot_test_a_guessed_id_by_searching(client, county):
    member = county.east1
    Member.objects.filter(pk=member.pk).update(phone="")  # so that only the ID could match
    url = reverse("members:roster")
    client.force_login(county.cadre)
    for q in (member.id_number, member.id_number[:14], member.id_number[:17], member.id_number[2:],
              "１" + member.id_number[1:]):
        response = client.get(url, {"q": q})
        assert _rows(response) == [], q
        assert RosterFilterForm.ID_SEARCH_REFUSED in response.content.decode()
    # shorter numbers search the phone (shown in full) and never the ID: no prefix/substring oracle
    for q in (member.id_number[-5:-1], member.id_number[6:14], member.id_number[:PHONE_DIGITS]):
        response = client.get(url, {"q": q})
        assert member not in _rows(response), q
        assert RosterFilterForm.ID_SEARCH_REFUSED not in response.content.decode()
    # the files use the same filter: an export of that query has no rows either
    assert not roster_export(county.cadre, {"q": [member.id_number]}).rows.exists()
    # an editor does find by any part of the ID
    client.force_login(county.secretary)
    for q in (member.id_number, member.id_number[-4:], member.id_number[6:14]):
        assert member in _rows(client.get(url, {"q": q})), q


def test_the_order_of_rows_says_nothing_about_the_id(client, county):
    client.force_login(county.cadre)
    url = reverse("members:roster")
    default = _rows(client.get(url))
    for sort in ("id_number", "-id_number", "id_number__gt"):
        assert _rows(client.get(url, {"sort": sort})) == default


def test_editors_see_the_tail_on_screen_read_only_roles_do_not(client, county):
    member = Member.objects.get(pk=county.east2.pk)
    client.force_login(county.secretary)
    assert idcard.screen_mask(member.id_number) in client.get(reverse("members:roster")).content.decode()
    client.force_login(county.cadre)
    for url in (reverse("members:roster"), reverse("members:detail", args=[member.pk])):
        page = client.get(url).content.decode()
        assert idcard.mask(member.id_number) in page
        assert idcard.screen_mask(member.id_number) not in page
