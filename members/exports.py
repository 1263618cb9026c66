from dataclasses import replace

from django.http import QueryDict

from core import exports
from core.documents import pick_columns

from .roster import COLUMNS, filter_members, roster_document


def params_from_request(request):
    """The roster filters and ticked columns of a request, as a plain dict a job can keep."""
    return {key: request.GET.getlist(key) for key in request.GET if key != "page"}


def _querydict(params):
    qd = QueryDict(mutable=True)
    for key, values in params.items():
        qd.setlist(key, values if isinstance(values, list) else [values])
    return qd


def columns_for(user, keys):
    """The ticked columns; for a read-only user the ID number stays masked in the file too."""
    columns = pick_columns(COLUMNS, keys)
    if user.can_see_full_ids:
        return columns
    return [replace(c, value=c.screen) if c.key == "id_number" else c for c in columns]


@exports.register("roster")
def roster(user, params):
    data = _querydict(params)
    qs, form = filter_members(user, data)
    columns = columns_for(user, data.getlist("columns"))
    return exports.Spec(doc=roster_document(user, form, columns), rows=qs, stem="党员名册")
