from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator


def page_of(request, qs, per_page):
    """The requested page of `qs`; a non-numeric or out-of-range page number shows the nearest
    page with a Chinese message instead of an error."""
    paginator = Paginator(qs, per_page)
    raw = request.GET.get("page") or "1"
    try:
        return paginator.page(raw)
    except PageNotAnInteger:
        messages.warning(request, f"页码“{raw[:20]}”不是数字，已显示第1页。")
        return paginator.page(1)
    except EmptyPage:
        last = paginator.num_pages
        messages.warning(request, f"页码超出范围（共{last}页），已显示第{last}页。")
        return paginator.page(last)
