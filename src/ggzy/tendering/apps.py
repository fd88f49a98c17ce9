from django.apps import AppConfig


class TenderingConfig(AppConfig):
    name = "ggzy.tendering"
    verbose_name = "招标投标与政府采购"  # Tendering and procurement
