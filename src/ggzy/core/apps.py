from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ggzy.core"
    verbose_name = "核心与数字见证账本"  # Core and ledger
