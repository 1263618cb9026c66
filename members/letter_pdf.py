"""The introduction letter as printed: one A4 page in three parts (存根, 介绍信, 回执联) separated by
cut lines that carry the number (骑缝), with the seal and signature lines (FORMS.md)."""

from django.template.loader import render_to_string

from core.documents import CJK_FONTS, chinese_date

from . import idcard
from .transfers import basic_committee


def _age(member, on):
    years = on.year - member.birth_date.year
    return years - ((on.month, on.day) < (member.birth_date.month, member.birth_date.day))


def letter_context(letter, *, full_id=True):
    member = letter.member
    return {
        "letter": letter,
        "member": member,
        "fonts": CJK_FONTS,
        "category": "正式" if letter.category == "full" else "预备",
        "age": _age(member, letter.issued_on),
        "id_number": member.id_number if full_id else idcard.mask(member.id_number),
        "issued": chinese_date(letter.issued_on),
        "dues": f"{letter.dues_paid_to.year}年{letter.dues_paid_to.month}月" if letter.dues_paid_to else "",
        "sender": (basic_committee(letter.from_org) or letter.from_org).name,
    }


def letter_pdf(letter, *, full_id=True):
    """The letter's PDF as bytes."""
    from weasyprint import HTML  # ~1 s to import: only where a PDF is made

    html = render_to_string("members/transfers/letter_pdf.html", letter_context(letter, full_id=full_id))
    return HTML(string=html).write_pdf()
