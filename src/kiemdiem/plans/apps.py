from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "kiemdiem.plans"
    verbose_name = "Kế hoạch kiểm điểm"
