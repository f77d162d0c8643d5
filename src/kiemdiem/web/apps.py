from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kiemdiem.web"
    verbose_name = "Giao diện web"
