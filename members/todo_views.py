"""待办事项: the user's to-do page (members/todo.py's sections, within its scope) and the dashboard panel
with their counts."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from core.pagination import page_of

from . import todo

SHOWN = 10  # rows per section on the page; the whole list is one click away
PAGE_SIZE = 50


def todo_page(request):
    key = request.GET.get("section")
    if key:
        section = todo.section(key)
        if section is None:
            raise Http404
        page = page_of(request, section.fn(request.user), PAGE_SIZE)
        return render(request, "members/orglife/todo.html", {
            "one": section, "page": page, "rows": [section.make_row(i) for i in page.object_list],
        })
    return render(request, "members/orglife/todo.html", {"sections": todo.fill(request.user, SHOWN)})


def todo_panel(request):
    """The dashboard's 待办事项: one count per section, each a link to it."""
    if not request.user.is_authenticated:
        return None
    url = reverse("members:todo")
    return {
        "title": "待办事项",
        "items": [(s.title, n, f"{url}?section={s.key}") for s, n in todo.counts(request.user)],
        "link": (url, "查看待办事项"),
    }
