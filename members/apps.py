from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "党员"

    def ready(self):
        from branches.services import register_dependent

        from . import exports  # noqa: F401  (registers the roster exporter)
        from .models import Member

        register_dependent(
            "党员",
            lambda org: Member.objects.on_roll().filter(organization=org).count()
            + Member.objects.on_roll().filter(party_group=org).count(),
        )
