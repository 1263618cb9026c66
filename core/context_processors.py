from django.conf import settings


def site(request):
    return {"COUNTY_NAME": settings.COUNTY_NAME}
