from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "ggzy.awards"
    verbose_name = "定标与合同"  # Awards and contracts
