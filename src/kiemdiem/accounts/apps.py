from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kiemdiem.accounts"
    verbose_name = "Tài khoản"
