"""The form renderer (settings.FORM_RENDERER): Django's, with the plain <input> widgets written in
Python.

Django renders every input through two templates (the widget's, which includes input.html, which
includes attrs.html): about 0.15 ms an input, 6 ms for the member form's forty fields. The markup
here is the templates' own, character for character (tests/core/test_widgets.py compares them);
every other widget (select, textarea, radio, check-box lists, custom templates) still goes through
Django's templates.
"""

from django.forms.renderers import DjangoTemplates

from .markup import conditional_escape

INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in ("input", "text", "number", "email", "url", "password", "hidden", "search", "tel", "date",
                 "datetime", "time", "color", "file", "checkbox")
)


def input_markup(widget):
    """django/forms/widgets/input.html and attrs.html, for the widget context `widget`."""
    out = [f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"']
    if widget["value"] is not None:
        out.append(f' value="{conditional_escape(widget["value"])}"')
    for name, value in widget["attrs"].items():
        if value is False:
            continue
        out.append(f" {conditional_escape(name)}" if value is True
                   else f' {conditional_escape(name)}="{conditional_escape(value)}"')
    out.append(">")
    return "".join(out)


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            return input_markup(context["widget"])
        return super().render(template_name, context, request)
