from django.apps import AppConfig


class DepositsConfig(AppConfig):
    name = "ggzy.deposits"
    verbose_name = "保证金"  # Deposits

    def ready(self) -> None:
        from ggzy.workcalendar import published

        from . import reactions
        from .periods import published as refund_periods

        published.register("deposits", refund_periods)
        reactions.connect()
