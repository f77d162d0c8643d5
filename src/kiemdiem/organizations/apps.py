from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "kiemdiem.organizations"
    verbose_name = "Tổ chức đảng"
