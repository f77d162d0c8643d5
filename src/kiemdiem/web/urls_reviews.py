from __future__ import annotations

from django.urls import path

from kiemdiem.reviews.models import ReviewPlace

from . import views_reviews as views

urlpatterns = [
    path("viec-cua-toi/", views.my_tasks, name="my_tasks"),
    # Bản kiểm điểm, báo cáo kiểm điểm
    path("kiem-diem/<int:subject_id>/", views.review_form, name="review_form"),
    path(
        "kiem-diem/<int:subject_id>/tap-the/",
        views.review_form,
        {"place": ReviewPlace.COLLECTIVE},
        name="review_form_leadership",
    ),
    path("kiem-diem/ban/<int:pk>/luu-nhap/", views.review_autosave, name="review_autosave"),
    path("kiem-diem/ban/<int:pk>/mo-lai/", views.review_reopen, name="review_reopen"),
    path("kiem-diem/ban/<int:pk>/minh-chung/", views.evidence_upload, name="evidence_upload"),
    path("minh-chung/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("minh-chung/<int:pk>/xoa/", views.evidence_delete, name="evidence_delete"),
    # Kế hoạch: tiến độ kiểm điểm, chi bộ, ý kiến nhận xét
    path("ke-hoach/<int:pk>/kiem-diem/", views.plan_reviews, name="plan_reviews"),
    path("ke-hoach/<int:pk>/chi-bo/<int:cell_id>/", views.cell_reviews, name="cell_reviews"),
    path("ke-hoach/<int:pk>/xin-y-kien/", views.feedback_send, name="feedback_send"),
    path("ke-hoach/<int:pk>/tong-hop-y-kien/", views.feedback_summary, name="feedback_summary"),
    path("y-kien/", views.feedback_list, name="feedback_list"),
    path("y-kien/<int:pk>/", views.feedback_respond, name="feedback_respond"),
    # Hội nghị kiểm điểm
    path("ke-hoach/<int:pk>/hoi-nghi/mo/", views.meeting_open, name="meeting_open"),
    path("hoi-nghi/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("hoi-nghi/<int:pk>/trinh-chieu/", views.meeting_projector, name="meeting_projector"),
    path("hoi-nghi/<int:pk>/ket-thuc/", views.meeting_close, name="meeting_close"),
    path("hoi-nghi/<int:pk>/kiem-phieu/", views.meeting_count_ballots, name="meeting_count_ballots"),
    path("hoi-nghi/muc/<int:pk>/gop-y/", views.item_criticism, name="item_criticism"),
    path("hoi-nghi/muc/<int:pk>/tiep-thu/", views.item_response, name="item_response"),
    path("hoi-nghi/muc/<int:pk>/kiem-phieu/", views.item_tally, name="item_tally"),
    path("hoi-nghi/muc/<int:pk>/mo-phieu/", views.ballot_open, name="ballot_open"),
    path("hoi-nghi/muc/<int:pk>/dong-phieu/", views.ballot_close, name="ballot_close"),
    path("hoi-nghi/muc/<int:pk>/huy-phieu/", views.ballot_cancel, name="ballot_cancel"),
    path("hoi-nghi/muc/<int:pk>/so-phieu/", views.ballot_status, name="ballot_status"),
    # Phiếu bầu
    path("phieu/<int:pk>/", views.ballot_vote, name="ballot_vote"),
    path("phieu/<int:pk>/kiem-tra/", views.ballot_receipt, name="ballot_receipt"),
]
