from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "kiemdiem.decisions"
    verbose_name = "Thẩm định, quyết định xếp loại"
