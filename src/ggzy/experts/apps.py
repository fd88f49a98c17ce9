from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "ggzy.experts"
    verbose_name = "评标评审专家"  # Experts
