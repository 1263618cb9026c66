"""gunicorn's settings for scripts/serve.sh (command-line options there take precedence).

Garbage collection between requests. A page allocates thousands of short-lived objects (rows,
cells, form fields); with Python's default thresholds the collector runs several times inside each
such request, each time walking every object the request still holds, and a tenth of a roster page
went to that. During a request the youngest generation may grow to REQUEST_GC_THRESHOLD objects
before a collection (a heavy request, such as a large file written in the request, still collects);
after the response the usual thresholds return and the next allocation collects what the request
left, most of it dead by then. The objects loaded at start-up are frozen out of every collection.
"""

import gc

REQUEST_GC_THRESHOLD = 100_000
BETWEEN_GC_THRESHOLD = gc.get_threshold()[0]


def post_worker_init(worker):
    """The application is loaded: its modules, settings and URL patterns live as long as the worker."""
    gc.collect()
    gc.freeze()


def pre_request(worker, req):
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(REQUEST_GC_THRESHOLD, older, oldest)


def post_request(worker, req, environ, resp):
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(BETWEEN_GC_THRESHOLD, older, oldest)
