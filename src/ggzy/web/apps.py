from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ggzy.web"
    verbose_name = "门户与工作台"  # Portal and workspaces
