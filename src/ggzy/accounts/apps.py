from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ggzy.accounts"
    verbose_name = "账户与组织"  # Accounts and organisations
