"""The dashboard is assembled from panels that each app registers, so a later capability (ratings,
investigation, pilots) adds its own to-do items without the dashboard knowing it.

    panels.register(order, fn)   # fn(request) -> {"title":..., "items": [(label, value, url)], ...} or None
"""

_panels = []


def register(order, fn):
    _panels.append((order, fn))
    _panels.sort(key=lambda p: p[0])


def dashboard_panels(request):
    out = []
    for _, fn in _panels:
        panel = fn(request)
        if panel:
            out.append(panel)
    return out
