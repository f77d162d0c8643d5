from django.urls import path

from . import views_data

urlpatterns = [
    path("du-lieu/", views_data.import_export, name="import_export"),
]
