from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kiemdiem.audit"
    verbose_name = "Nhật ký thay đổi"
