from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "ggzy.awards"
    verbose_name = "定标与合同"  # Awards and contracts

    def ready(self) -> None:
        from ggzy.workcalendar import published

        from .periods import published as answer_periods

        published.register("awards", answer_periods)
