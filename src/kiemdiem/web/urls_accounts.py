from django.contrib.auth import views as auth_views
from django.urls import path

from . import views_accounts as views

urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("tai-khoan/tao-hang-loat/", views.bulk_accounts, name="bulk_accounts"),
]
