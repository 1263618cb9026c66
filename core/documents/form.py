"""Forms: a fixed layout filled for one record (a member's quarterly rating sheet), not a list.

    render_form_pdf("ratings/printout_pdf.html", {"forms": [...]}, fileobj)

The template is a whole HTML document; it gets `fonts` (the CJK font stack) besides `context`.
A few pages at most, laid out in one go (registers, which may be long, go through pdf.py)."""

from django.template.loader import render_to_string

from .values import CJK_FONTS


def render_form_pdf(template_name, context, fileobj):
    from weasyprint import HTML  # ~1 s to import: only where a PDF is made

    html = render_to_string(template_name, {**context, "fonts": CJK_FONTS})
    HTML(string=html).write_pdf(fileobj)
