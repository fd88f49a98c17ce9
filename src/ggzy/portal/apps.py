from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "ggzy.portal"
    verbose_name = "门户与开放数据"  # Portal and open data
