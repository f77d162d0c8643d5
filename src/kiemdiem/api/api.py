from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(
    title="Kiểm điểm API",
    version="1",
    description="API JSON cho tổ chức đảng và đảng viên; cùng phạm vi truy cập như giao diện web.",
    auth=[django_auth],
)
