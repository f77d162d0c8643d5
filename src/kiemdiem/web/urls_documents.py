from __future__ import annotations

from django.urls import path

from . import views_documents as views

urlpatterns = [
    path("ke-hoach/<int:pk>/van-ban/", views.plan_documents, name="plan_documents"),
    path("ke-hoach/<int:pk>/van-ban/hang-loat/", views.document_batch, name="document_batch"),
    path(
        "ke-hoach/<int:pk>/van-ban/hang-loat/tien-do/",
        views.document_batch_progress,
        name="document_batch_progress",
    ),
    path(
        "ke-hoach/<int:pk>/van-ban/hang-loat/tai-ve/",
        views.document_batch_download,
        name="document_batch_download",
    ),
    path("ke-hoach/<int:pk>/van-ban/<slug:kind>.<slug:fmt>", views.plan_document, name="plan_document"),
    path(
        "doi-tuong/<int:pk>/van-ban/<slug:kind>.<slug:fmt>", views.subject_document, name="subject_document"
    ),
    path("quyet-dinh/<int:pk>/van-ban.<slug:fmt>", views.decision_document, name="decision_document"),
    path("hoi-nghi/<int:pk>/bien-ban.<slug:fmt>", views.meeting_document, name="meeting_document"),
]
