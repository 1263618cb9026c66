from django.apps import AppConfig


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = "党组织"

    def ready(self):
        from core import audit, panels

        from .models import Organization

        panels.register(20, organizations_panel)
        audit.register_page(Organization, "branches:detail")
        audit.register_label(Organization, "officers", "班子成员")


def organizations_panel(request):
    from django.db.models import Count
    from django.urls import reverse

    from .choices import OrgKind
    from .models import Organization

    counts = dict(
        Organization.objects.visible_to(request.user).active()
        .values_list("kind").annotate(n=Count("pk")).order_by()
    )
    tree = reverse("branches:tree")
    return {
        "title": "党组织",
        "items": [(kind.label, counts[kind], tree) for kind in OrgKind if counts.get(kind)],
    }
