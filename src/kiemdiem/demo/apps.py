from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kiemdiem.demo"
    verbose_name = "Dữ liệu mẫu"
