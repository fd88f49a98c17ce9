from typing import Any

from django.apps import AppConfig
from django.apps.registry import Apps
from django.db.models.signals import post_migrate


class WorkCalendarConfig(AppConfig):
    name = "ggzy.workcalendar"
    verbose_name = "工作日历"  # Working-day calendar

    def ready(self) -> None:
        from ggzy.workcalendar import services  # noqa: F401  (connects the cache signals)

        post_migrate.connect(_seed, sender=self, dispatch_uid="workcalendar_seed")


def _seed(*, using: str, apps: Apps | None = None, verbosity: int = 1, **kwargs: Any) -> None:
    """After ``migrate``: load the chinese_calendar years the tables do not have yet."""
    if apps is not None:
        try:
            apps.get_model("workcalendar", "CalendarDay")
        except LookupError:  # migrated backwards past the tables
            return
    from ggzy.workcalendar.services import seed_from_chinese_calendar

    result = seed_from_chinese_calendar(using=using)
    if verbosity >= 1 and result.years_created:
        print(
            f"  工作日历 / working-day calendar: {result.years_created} years, "
            f"{result.days_created} days loaded from chinese_calendar"
        )
