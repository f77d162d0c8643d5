from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "kiemdiem.members"
    verbose_name = "Đảng viên"
