from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "ggzy.catalogue"
    verbose_name = "交易目录"  # Trading catalogue
