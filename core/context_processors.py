from django.conf import settings


def site(request):
    return {
        "COUNTY_NAME": settings.COUNTY_NAME,
        # Whether this user sees whole citizen ID numbers (else 3201**********1234).
        # (No user on a request refused before authentication, e.g. a 400 for an unknown host.)
        "full_ids": getattr(getattr(request, "user", None), "can_see_full_ids", False),
    }
