from dataclasses import replace

from django.http import QueryDict

from accounts.permissions import full_id_paths
from core import exports
from core.documents import pick_columns
from core.scoping import covers

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
    return exports.Spec(doc=roster_document(user, form, columns), rows=qs, stem="党员名册")
