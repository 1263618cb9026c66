"""What the public board shows: the sheets in publicity, and the five-star members of confirmed
sheets by quarter and branch (公开标星). Values only (names, branch names, counts): a template
given these cannot reach a member's ID number, phone or address."""

from collections import defaultdict

from .choices import SheetState
from .models import RatingEntry, RatingQuarter, RatingSheet


def board(wanted_quarter=""):
    in_publicity = list(
        RatingSheet.objects.filter(state=SheetState.PUBLICITY)
        .order_by("-quarter__year", "-quarter__quarter", "branch__path")
        .values("pk", "branch__name", "quarter__year", "quarter__quarter", "publicity_starts_on",
                "publicity_ends_on", "revision")
    )
    confirmed = list(RatingQuarter.objects.filter(sheets__state=SheetState.CONFIRMED).distinct()
                     .order_by("-year", "-quarter")[:8])
    chosen = next((q for q in confirmed if str(q.pk) == wanted_quarter), confirmed[0] if confirmed else None)
    stars = defaultdict(list)
    if chosen is not None:
        rows = (RatingEntry.objects.filter(sheet__quarter=chosen, sheet__state=SheetState.CONFIRMED, star_count=5,
                                           not_rated=False)
                .order_by("sheet__branch__path", "position", "pk").values_list("sheet__branch__name", "member__name"))
        for branch, name in rows:
            stars[branch].append(name)
    return {
        "in_publicity": in_publicity, "quarters": confirmed, "chosen": chosen,
        "five_star": list(stars.items()), "five_star_total": sum(len(v) for v in stars.values()),
    }
