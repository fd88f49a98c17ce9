from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "ggzy.experts"
    verbose_name = "评标评审专家"  # Experts

    def ready(self) -> None:
        from . import notify  # noqa: F401 - registers the outbox handler of its notifications
