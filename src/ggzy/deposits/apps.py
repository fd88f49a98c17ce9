from django.apps import AppConfig


class DepositsConfig(AppConfig):
    name = "ggzy.deposits"
    verbose_name = "保证金"  # Deposits
