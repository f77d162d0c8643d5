from __future__ import annotations

from django.urls import path

from . import views_decisions as views

urlpatterns = [
    path("ke-hoach/<int:pk>/tham-dinh/", views.appraisal, name="appraisal"),
    path("ke-hoach/<int:pk>/quyet-dinh/", views.decision_list, name="decision_list"),
    path("ke-hoach/<int:pk>/ket-qua/", views.results, name="decision_results"),
    path("ke-hoach/<int:pk>/cong-bo/", views.publish, name="decision_publish"),
    path("ke-hoach/<int:pk>/tien-do/", views.progress, name="plan_progress"),
    path("ke-hoach/<int:pk>/khac-phuc/", views.remediation_list, name="remediation_list"),
    path("quyet-dinh/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("ket-qua/<int:pk>/xep-loai-lai/", views.reclassify, name="decision_reclassify"),
    path("ket-qua/cua-toi/", views.my_results, name="my_results"),
    path("khac-phuc/doi-tuong/<int:pk>/", views.remediation_subject, name="remediation_subject"),
    path("khac-phuc/<int:pk>/sua/", views.remediation_edit, name="remediation_edit"),
    path("khac-phuc/<int:pk>/xoa/", views.remediation_delete, name="remediation_delete"),
]
