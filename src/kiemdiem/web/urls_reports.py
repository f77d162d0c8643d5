from __future__ import annotations

from django.urls import path

from . import views_reports as views

urlpatterns = [
    path("ke-hoach/<int:pk>/thong-ke/", views.plan_statistics, name="plan_statistics"),
    path("ke-hoach/<int:pk>/thong-ke.xlsx", views.plan_statistics_xlsx, name="plan_statistics_xlsx"),
    path(
        "ke-hoach/<int:pk>/danh-sach-xep-loai.xlsx", views.plan_level_lists_xlsx, name="plan_level_lists_xlsx"
    ),
    path("thong-ke/", views.year_statistics, name="statistics"),
    path("thong-ke.xlsx", views.year_statistics_xlsx, name="statistics_xlsx"),
]
