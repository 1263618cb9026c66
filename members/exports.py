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


@exports.register("roster")
def roster(user, params):
    data = _querydict(params)
    qs, form = filter_members(user, data)
    columns = pick_columns(COLUMNS, data.getlist("columns"))
    return exports.Spec(doc=roster_document(user, form, columns), rows=qs, stem="党员名册")
