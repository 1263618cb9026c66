from django.conf import settings


def site(request):
    return {
        "COUNTY_NAME": settings.COUNTY_NAME,
        # Whether this user sees whole citizen ID numbers (else 3201**********1234).
        "full_ids": getattr(request.user, "can_see_full_ids", False),
    }
