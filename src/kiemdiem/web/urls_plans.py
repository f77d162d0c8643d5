from django.urls import path

from . import views_plans as views

urlpatterns = [
    path("ke-hoach/", views.plan_list, name="plan_list"),
    path("ke-hoach/tao/", views.plan_create, name="plan_create"),
    path("ke-hoach/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("ke-hoach/<int:pk>/sua/", views.plan_edit, name="plan_edit"),
    path("ke-hoach/<int:pk>/doi-tuong/", views.plan_subjects, name="plan_subjects"),
    path("ke-hoach/<int:pk>/tinh-doi-tuong/", views.plan_compute_subjects, name="plan_compute_subjects"),
    path("ke-hoach/<int:pk>/ban-hanh/", views.plan_publish, name="plan_publish"),
    path("ke-hoach/<int:pk>/xac-nhan/<int:cell_id>/", views.plan_acknowledge, name="plan_acknowledge"),
]
