"""Tài khoản: who am I, and my own API tokens."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.errors import HttpError

from kiemdiem.access.objects import scope_of
from kiemdiem.accounts.models import Role

from .. import serialize
from ..auth import ANY_AUTH, ApiRequest, auth_method, session_auth
from ..models import ApiToken
from ..schemas import InvalidInput, MeOut, Message, TokenCreate, TokenIssued, TokenOut

router = Router()

MUST_CHANGE_PASSWORD = "Bạn cần đổi mật khẩu ban đầu trên giao diện web trước khi tạo mã truy cập."


@router.get(
    "/me",
    response=MeOut,
    tags=["Tài khoản"],
    summary="Tài khoản đang dùng",
    description="Tài khoản, hồ sơ đảng viên (nếu có) và các vai trò cùng tổ chức tương ứng.",
)
def me(request: ApiRequest) -> dict[str, Any]:
    scope = scope_of(request)
    user = scope.user
    assert user is not None
    roles = [
        {
            "role": a.role,
            "role_label": a.get_role_display(),
            "organization": serialize.org_ref(a.organization),
        }
        for a in scope.assignments
    ]
    if Role.MEMBER in scope.roles and not any(r["role"] == Role.MEMBER for r in roles):
        roles.append({"role": Role.MEMBER, "role_label": Role.MEMBER.label, "organization": None})
    member = user.member if user.member_id else None
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "member": (
            {
                "id": member.pk,
                "card_number": member.card_number,
                "full_name": member.full_name,
                "cell": serialize.org_ref(member.cell),
            }
            if member
            else None
        ),
        "roles": roles,
        "can_manage_registry": scope.can_manage_registry,
        "auth_method": auth_method(request),
    }


@router.get(
    "/tokens",
    response=list[TokenOut],
    tags=["Mã truy cập API"],
    summary="Mã truy cập của tôi",
    description="Các mã truy cập API của tài khoản đang dùng (không bao giờ hiện lại mã đầy đủ).",
)
def list_tokens(request: ApiRequest) -> list[dict[str, Any]]:
    return [serialize.token(t) for t in ApiToken.objects.filter(user=request.auth)]


@router.post(
    "/tokens",
    auth=[session_auth],
    response={201: TokenIssued, 403: Message, 422: InvalidInput},
    tags=["Mã truy cập API"],
    summary="Tạo mã truy cập",
    description=(
        "Chỉ với phiên đăng nhập web (kèm tiêu đề X-CSRFToken), không bằng một mã khác: mã bị lộ "
        "không thể tự sinh thêm mã. Mã đầy đủ chỉ hiện một lần trong trả lời này. Mã hết hạn sau "
        "`days` ngày (mặc định 90, tối đa 365)."
    ),
)
def create_token(request: ApiRequest, payload: TokenCreate) -> Status[Any]:
    user = request.auth
    if user.must_change_password:
        raise HttpError(403, MUST_CHANGE_PASSWORD)
    row, secret = ApiToken.issue(user, payload.name, payload.days)
    return Status(201, serialize.token(row, secret))


@router.delete(
    "/tokens/{token_id}",
    auth=ANY_AUTH,
    response={204: None, 404: Message},
    tags=["Mã truy cập API"],
    summary="Thu hồi mã truy cập",
    description="Thu hồi một mã của chính bạn; mã đã thu hồi không dùng lại được.",
)
def revoke_token(request: ApiRequest, token_id: int) -> Status[Any]:
    row = get_object_or_404(ApiToken.objects.filter(user=request.auth), pk=token_id)
    row.revoke()
    return Status(204, None)
