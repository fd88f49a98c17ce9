from django.apps import AppConfig


class TenderingConfig(AppConfig):
    name = "ggzy.tendering"
    verbose_name = "招标投标与政府采购"  # Tendering and procurement

    def ready(self) -> None:
        from ggzy.workcalendar import published

        from .periods import published as tender_periods

        published.register("tendering", tender_periods)
