from django.urls import include, path

from kiemdiem.api.api import api

urlpatterns = [
    path("", include("kiemdiem.web.urls_accounts")),
    path("", include("kiemdiem.web.urls")),
    path("", include("kiemdiem.web.urls_data")),
    path("", include("kiemdiem.web.urls_plans")),
    path("", include("kiemdiem.web.urls_reviews")),
    path("", include("kiemdiem.web.urls_decisions")),
    path("", include("kiemdiem.web.urls_documents")),
    path("", include("kiemdiem.web.urls_reports")),
    path("api/", api.urls),
]
