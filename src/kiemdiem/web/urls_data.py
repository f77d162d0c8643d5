from __future__ import annotations

from django.urls import path

from . import views_data

urlpatterns = [
    path("du-lieu/", views_data.import_export, name="import_export"),
    path("du-lieu/kiem-tra/", views_data.import_check, name="import_check"),
    path("du-lieu/nhap/", views_data.import_commit, name="import_commit"),
    path("du-lieu/tien-do/", views_data.import_progress, name="import_progress"),
    path("du-lieu/xuat/", views_data.member_export, name="member_export"),
    path("du-lieu/mau/dang-vien.xlsx", views_data.member_template, name="member_template"),
    path("du-lieu/mau/to-chuc.xlsx", views_data.organization_template, name="organization_template"),
]
