from django.urls import include, path

from kiemdiem.api.api import api

urlpatterns = [
    path("", include("kiemdiem.accounts.urls")),
    path("", include("kiemdiem.web.urls")),
    path("", include("kiemdiem.web.urls_data")),
    path("", include("kiemdiem.plans.urls")),
    path("", include("kiemdiem.reviews.urls")),
    path("", include("kiemdiem.decisions.urls")),
    path("", include("kiemdiem.documents.urls")),
    path("", include("kiemdiem.reports.urls")),
    path("api/", api.urls),
]
