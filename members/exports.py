from dataclasses import replace

from django.http import QueryDict

from accounts.permissions import full_id_paths
from core import exports
from core.documents import load_rows, pick_columns
from core.scoping import covers

from . import idcard
from .roster import COLUMNS, ROW_FIELDS, filter_members, roster_document

NOT_PARAMS = {"page", "csrfmiddlewaretoken"}


def params_from_request(request):
    """The roster filters and ticked columns the export form posted, as a plain dict a job can keep."""
    return {key: request.POST.getlist(key) for key in request.POST if key not in NOT_PARAMS}


def describe(form, columns):
    """The filter and the columns in words, for the audit: 党组织：东街村党支部；在册状态：在册；列：…
    A search for digits (an ID or phone number) is kept masked."""
    cd = form.cleaned_data if form.is_bound else {}
    parts = []
    for name, field in form.fields.items():
        value = cd.get(name)
        if name == "sort" or value in (None, ""):
            continue
        if name == "q":
            value = idcard.mask(value) if value.rstrip("xX").isdigit() else value
        elif hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        parts.append(f"{field.label}：{value}")
    if not cd.get("state"):
        parts.append("在册状态：在册")
    parts.append("列：" + "、".join(c.header for c in columns))
    return "；".join(parts)


def _querydict(params):
    qd = QueryDict(mutable=True)
    for key, values in params.items():
        qd.setlist(key, values if isinstance(values, list) else [values])
    return qd


def columns_for(user, keys):
    """The ticked columns; the ID number is whole only where an editor grant covers the member's
    branch, and stays masked in the file elsewhere (a read-only grant)."""
    columns = pick_columns(COLUMNS, keys)
    if user.can_see_full_ids:
        return columns
    paths = full_id_paths(user)

    def id_value(c):
        if not paths:
            return c.screen
        return lambda m: c.value(m) if covers(paths, m.organization.path) else c.screen(m)

    return [replace(c, value=id_value(c)) if c.key == "id_number" else c for c in columns]


@exports.register("roster")
def roster(user, params):
    data = _querydict(params)
    qs, form = filter_members(user, data)
    columns = columns_for(user, data.getlist("columns"))
    doc = roster_document(user, form, columns)
    org = form.cleaned_data.get("org") if form.is_bound and form.is_valid() else None
    if org is None and len(user.grant_list) == 1:
        org = user.grant_list[0].organization
    return exports.Spec(doc=doc, rows=load_rows(qs, columns, *ROW_FIELDS), stem="党员名册", scope=org,
                        description=describe(form, columns), row_word="人")
