from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, str]:
    return {
        "platform_name": settings.GGZY_PLATFORM_NAME,
        "platform_name_en": settings.GGZY_PLATFORM_NAME_EN,
    }
