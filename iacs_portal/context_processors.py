from django.conf import settings


def portal(request):
    """What every page's layout needs: the help desk contact for the header and footer."""
    return {"help_desk": settings.HELP_DESK}
