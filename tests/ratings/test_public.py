"""The public board on the demo county: names, branches and stars only. Every private field of every
demo member (ID number, phone, addresses), and the objectors' contacts, are absent from every public
page."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from members.models import Member
from ratings.choices import SheetState
from ratings.models import Objection, RatingEntry, RatingSheet


@pytest.mark.django_db
def test_public_board_shows_no_private_field_of_the_demo(client):
    call_command("seed_demo", members=400, stdout=io.StringIO())
    in_publicity = list(RatingSheet.objects.filter(state=SheetState.PUBLICITY))
    assert in_publicity, "the demo has the current quarter in publicity somewhere"
    pages = [client.get(reverse("public:board"))]
    pages += [client.get(reverse("public:notice", args=[s.pk])) for s in in_publicity]
    assert all(p.status_code == 200 for p in pages)
    html = "".join(p.content.decode() for p in pages)
    five_star = RatingEntry.objects.filter(sheet__state=SheetState.CONFIRMED, star_count=5).select_related("member")
    assert five_star.exists() and five_star[0].member.name in html
    private = set()
    for id_number, phone, residence, household in Member.objects.values_list(
            "id_number", "phone", "residence", "household_registration"):
        private |= {id_number, id_number[-6:] and id_number[:6] + "********" + id_number[-4:], phone, residence,
                    household}
    private |= set(Objection.objects.values_list("objector_contact", flat=True))
    private.discard("")
    assert private
    leaked = [v for v in private if v and v in html]
    assert not leaked, leaked[:5]
