from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("to-chuc/", views.org_tree, name="org_tree"),
    path("to-chuc/<int:pk>/", views.org_detail, name="org_detail"),
    path("dang-vien/", views.member_list, name="member_list"),
    path("dang-vien/<int:pk>/", views.member_detail, name="member_detail"),
]
