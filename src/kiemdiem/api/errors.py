"""Error bodies in Vietnamese, one shape for all of them.

``{"detail": "<message>"}``, and for invalid input (422) also ``"errors": {"<field>": ["<message>", …]}``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

NOT_FOUND = "Không tìm thấy, hoặc nằm ngoài phạm vi bạn được xem."
UNAUTHENTICATED = "Chưa xác thực: hãy đăng nhập, hoặc gửi mã truy cập (Authorization: Bearer <mã>)."
INVALID_INPUT = "Dữ liệu không hợp lệ."
UNREADABLE_BODY = "Không đọc được nội dung yêu cầu: cần JSON hợp lệ."
FORBIDDEN = "Bạn không có quyền thực hiện thao tác này."
NON_FIELD = "chung"  # key for errors that concern the request as a whole

_DATE = "Ngày không hợp lệ: cần định dạng YYYY-MM-DD."
_MESSAGES: dict[str, str] = {
    "missing": "Trường này là bắt buộc.",
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "date_type": _DATE,
    "int_parsing": "Phải là một số nguyên.",
    "int_type": "Phải là một số nguyên.",
    "int_from_float": "Phải là một số nguyên.",
    "string_type": "Phải là một chuỗi ký tự.",
    "string_too_long": "Quá dài: tối đa {max_length} ký tự.",
    "string_too_short": "Không được để trống.",
    "bool_parsing": "Phải là true hoặc false.",
    "bool_type": "Phải là true hoặc false.",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "greater_than": "Phải lớn hơn {gt}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "enum": "Giá trị không hợp lệ; chấp nhận: {expected}.",
    "literal_error": "Giá trị không hợp lệ; chấp nhận: {expected}.",
    "extra_forbidden": "Trường này không được hỗ trợ.",
    "model_attributes_type": "Nội dung phải là một đối tượng JSON.",
    "dict_type": "Nội dung phải là một đối tượng JSON.",
    "model_type": "Nội dung phải là một đối tượng JSON.",
    "none_required": "Phải để trống (null).",
}
_FALLBACK = "Giá trị không hợp lệ."
# ninja names these in English; translated here so every body the API returns is Vietnamese.
_HTTP_MESSAGES = {
    "Cannot parse request body": UNREADABLE_BODY,
    "Unauthorized": UNAUTHENTICATED,
    "Forbidden": FORBIDDEN,
}


def translate_pydantic_error(error: dict[str, Any]) -> str:
    template = _MESSAGES.get(str(error.get("type", "")), _FALLBACK)
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return _FALLBACK


def _field_of(loc: list[Any] | tuple[Any, ...]) -> str:
    """``("body", "payload", "full_name")`` -> ``full_name``; ``("query", "date")`` -> ``date``."""
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "filters")]
    return ".".join(parts) or NON_FIELD


def invalid_input(request: HttpRequest, api: NinjaAPI, errors: dict[str, list[str]]) -> HttpResponse:
    return api.create_response(request, {"detail": INVALID_INPUT, "errors": errors}, status=422)


def django_errors(exc: DjangoValidationError, rename: dict[str, str] | None = None) -> dict[str, list[str]]:
    """Per-field messages of a Django ``ValidationError`` (model ``full_clean()`` or a service)."""
    rename = rename or {}
    if hasattr(exc, "error_dict"):
        out: dict[str, list[str]] = {}
        for field, errs in exc.message_dict.items():
            key = NON_FIELD if field == NON_FIELD_ERRORS else rename.get(field, field)
            out.setdefault(key, []).extend(errs)
        return out
    return {NON_FIELD: list(exc.messages)}


def install(api: NinjaAPI) -> None:
    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": NOT_FOUND}, status=404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = _HTTP_MESSAGES.get(exc.message, exc.message)
        response = api.create_response(request, {"detail": message}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="kiemdiem"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = _HTTP_MESSAGES.get(exc.message, exc.message)
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        # The access layer (kiemdiem.access.objects) and the services say why, in Vietnamese.
        return api.create_response(request, {"detail": str(exc) or FORBIDDEN}, status=403)

    @api.exception_handler(NinjaValidationError)
    def request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(_field_of(error.get("loc", ())), []).append(translate_pydantic_error(error))
        return invalid_input(request, api, errors)

    @api.exception_handler(DjangoValidationError)
    def model_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return invalid_input(request, api, django_errors(exc))
