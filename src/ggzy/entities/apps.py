from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "ggzy.entities"
    verbose_name = "市场主体"  # Market entities
