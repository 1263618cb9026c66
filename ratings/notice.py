"""The publicity notice (党员星级评定结果汇总（公示）表, FORMS.md): per member the stars, the total and the
change since last quarter, the publicity dates and the supervision phone. The same rows feed the
printed PDF and the public board, and they carry names and stars only: never an ID number, phone,
address or anything of the investigation or the pilots."""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from core.documents import CJK_FONTS

from .choices import STAR_FIELDS, Star
from .services import change_since, grid_entries


@dataclass(frozen=True)
class NoticeRow:
    number: int
    name: str
    stars: tuple  # one bool per Star, in order
    total: int | None  # None: not rated this quarter
    change: str  # "↑1", "↓2", "持平", "" (no rating last quarter)
    note: str

    @property
    def glyphs(self):
        return "".join("★" if on else "☆" for on in self.stars)


def rows(sheet):
    """The notice's rows, in the sheet's order. Three queries."""
    entries = grid_entries(sheet)
    before = change_since(entries, sheet.quarter)
    out = []
    for i, e in enumerate(entries, 1):
        if e.not_rated:
            out.append(NoticeRow(i, e.member.name, (False,) * 5, None, "", "本季度不评定"))
            continue
        prev = before.get(e.member_id)
        if prev is None:
            change = ""
        elif prev == e.star_count:
            change = "持平"
        else:
            change = f"{'↑' if e.star_count > prev else '↓'}{abs(e.star_count - prev)}"
        out.append(NoticeRow(i, e.member.name, tuple(getattr(e, f) for f in STAR_FIELDS), e.star_count, change,
                             e.period_note))
    return out


def context(sheet, request=None):
    public = reverse("public:board")
    return {
        "sheet": sheet, "rows": rows(sheet), "stars": list(Star), "fonts": CJK_FONTS,
        "phone": settings.RATING_SUPERVISION_PHONE,
        "public_url": request.build_absolute_uri(public) if request is not None else public,
    }


def notice_pdf(sheet, request=None):
    from weasyprint import HTML  # ~1 s to import: only where a PDF is made

    html = render_to_string("ratings/notice_pdf.html", context(sheet, request))
    return HTML(string=html).write_pdf()


def notice_pdf_response(request, sheet):
    q = sheet.quarter
    name = f"{sheet.branch.name}{q.year}年第{q.quarter}季度星级评定公示表.pdf"
    response = HttpResponse(notice_pdf(sheet, request), content_type="application/pdf")
    from core.exports import content_disposition

    response["Content-Disposition"] = content_disposition(name, inline=True)
    return response
