"""Response headers and input guards that hold for every page.

Static files never reach these: WhiteNoise answers them earlier in the chain, with its own caching.
"""

from django.http import Http404
from django.utils.cache import add_never_cache_headers

# The largest id a database column holds (a signed 64-bit integer): an id beyond it names nothing.
MAX_ID = 2**63 - 1


def parse_id(value):
    """An id read from a query string: a positive integer the database can hold, else None."""
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit() or not 0 < int(value) <= MAX_ID:
        return None
    return int(value)


class NoStoreMiddleware:
    """Every page and file the app serves may hold personal data (names, ID numbers, rosters):
    no browser or proxy keeps a copy (`Cache-Control: no-store`), on a shared office PC least of all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class BadInputMiddleware:
    """An id in the address too large for the database is a record that does not exist: 404, not
    the database's overflow error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ID:
                raise Http404("编号超出范围")
        return None
