"""Errors as ``application/problem+json`` (RFC 9457).

Every error has ``type`` (``urn:gongdao:problem:<code>``), ``title``, ``status``, a stable
``code`` for machines and a ``detail`` in the caller's language (Accept-Language; zh-Hans when
absent). Validation errors list each bad field in ``errors``. Nothing about the server's
insides (no stack trace, no SQL) ever reaches the caller.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja.errors import AuthenticationError, HttpError, ValidationError

from gongdao.api.schemas import UNION_TAGS
from gongdao.errors import DomainError

log = logging.getLogger("gongdao.api")
MEDIA_TYPE = "application/problem+json"
SUPPORTED_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


class Unauthorized(DomainError):
    status = 401


class BadRequest(DomainError):
    status = 400


class PreconditionFailed(DomainError):
    status = 412


class RateLimited(DomainError):
    status = 429


class Unavailable(DomainError):
    status = 503


TITLES = {
    400: _("Bad request"),
    401: _("Not signed in"),
    403: _("Not allowed"),
    404: _("Not found"),
    405: _("Method not allowed"),
    409: _("Conflict"),
    412: _("Precondition failed"),
    413: _("Too large"),
    415: _("Unsupported media type"),
    422: _("Invalid input"),
    429: _("Too many requests"),
    500: _("Server error"),
    503: _("Service unavailable"),
}


def api_language(request: HttpRequest) -> str:
    """The first supported language of Accept-Language; the site default (zh-hans) otherwise."""
    header = request.headers.get("Accept-Language", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def _plain(value: Any) -> Any:
    """Extra members must be JSON: keep strings, numbers, booleans, lists and dicts of them."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def problem(
    status: int,
    code: str,
    detail: Any,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"urn:gongdao:problem:{code}",
        "title": str(TITLES.get(status, HTTPStatus(status).phrase)),
        "status": status,
        "code": code,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = errors
    for key, value in extra.items():
        if key not in body and value is not None:
            body[key] = _plain(value)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=f"{MEDIA_TYPE}; charset=utf-8"
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def from_domain_error(exc: DomainError) -> HttpResponse:
    errors = None
    if exc.field:
        errors = [{"field": exc.field, "code": exc.code, "detail": str(exc.message)}]
    extra = dict(exc.extra)
    headers = {}
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(extra.get("retry_after", 60))
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = 'Bearer realm="gongdao"'
    return problem(exc.status, exc.code, exc.message, errors=errors, headers=headers, **extra)


# ---- validation errors from the request schemas ----------------------------------------------

_MESSAGES: dict[str, Any] = {
    "missing": _("This field is required."),
    "extra_forbidden": _("This field is not expected here."),
    "string_type": _("Enter text."),
    "string_pattern_mismatch": _("This value does not have the expected form."),
    "int_type": _("Enter a whole number."),
    "int_parsing": _("Enter a whole number."),
    "int_from_float": _("Enter a whole number."),
    "bool_type": _("Enter true or false."),
    "bool_parsing": _("Enter true or false."),
    "list_type": _("Give a list."),
    "dict_type": _("Give an object."),
    "model_type": _("Give an object."),
    "model_attributes_type": _("Give an object."),
    "datetime_type": _("Enter a date and time such as 2025-03-01T10:00:00+08:00."),
    "datetime_parsing": _("Enter a date and time such as 2025-03-01T10:00:00+08:00."),
    "datetime_from_date_parsing": _("Enter a date and time such as 2025-03-01T10:00:00+08:00."),
    "timezone_aware": _("Give the time zone, e.g. 2025-03-01T10:00:00+08:00."),
    "date_type": _("Enter a date such as 2025-03-01."),
    "date_parsing": _("Enter a date such as 2025-03-01."),
    "date_from_datetime_parsing": _("Enter a date such as 2025-03-01."),
    "json_invalid": _("The request body is not valid JSON."),
    "url_parsing": _("Enter a URL starting with http:// or https://."),
    "url_scheme": _("Enter a URL starting with http:// or https://."),
    "url_type": _("Enter a URL starting with http:// or https://."),
}


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("enum", "literal_error"):
        return str(_("Choose one of: %(options)s.") % {"options": ctx.get("expected", "")})
    if kind == "string_too_long":
        return str(_("Keep this under %(limit)d characters.") % {"limit": ctx.get("max_length", 0)})
    if kind == "string_too_short":
        if ctx.get("min_length", 1) <= 1:
            return str(_("This field is required."))
        return str(_("Enter at least %(limit)d characters.") % {"limit": ctx.get("min_length", 0)})
    if kind in ("too_long",):
        return str(_("Give at most %(limit)s items.") % {"limit": ctx.get("max_length", "")})
    if kind in ("too_short",):
        return str(_("Give at least %(limit)s items.") % {"limit": ctx.get("min_length", "")})
    if kind in ("greater_than_equal", "greater_than"):
        limit = ctx.get("ge", ctx.get("gt", ""))
        return str(_("Enter a number of at least %(limit)s.") % {"limit": limit})
    if kind in ("less_than_equal", "less_than"):
        limit = ctx.get("le", ctx.get("lt", ""))
        return str(_("Enter a number of at most %(limit)s.") % {"limit": limit})
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    message = _MESSAGES.get(kind)
    return str(message) if message is not None else str(_("Enter a valid value."))


def _field(loc: tuple[Any, ...]) -> tuple[str, str]:
    source = str(loc[0]) if loc else "body"
    path = [str(p) for p in loc[1:]]
    if source == "body" and path and path[0] == "payload":
        path = path[1:]  # every operation names its JSON body parameter "payload"
    if source == "body" and path and path[0] in UNION_TAGS:
        path = path[1:]  # the tag of POST /orders' one-or-batch body
    return source, ".".join(path) or "$"


def from_validation_error(exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        source, field = _field(tuple(error.get("loc", ())))
        if source == "header":
            field = field.replace("_", "-").title()
        errors.append(
            {
                "field": field,
                "in": source,
                "code": str(error.get("type", "invalid")),
                "detail": _message(error),
            }
        )
    return problem(422, "invalid_input", _("Some fields are not valid; see errors."), errors=errors)


# ---- handlers for the NinjaAPI ---------------------------------------------------------------


def register(api: Any) -> None:
    api.add_exception_handler(DomainError, lambda request, exc: from_domain_error(exc))
    api.add_exception_handler(ValidationError, lambda request, exc: from_validation_error(exc))
    api.add_exception_handler(AuthenticationError, _unauthenticated)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(Http404, lambda request, exc: not_found())
    api.add_exception_handler(Exception, _server_error)


def not_found() -> HttpResponse:
    return problem(404, "not_found", _("There is nothing at this address."))


def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(
        401,
        "unauthorized",
        _("Send an API key as “Authorization: Bearer KEY”, or sign in."),
        headers={"WWW-Authenticate": 'Bearer realm="gongdao"'},
    )


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        return problem(400, "malformed_body", _("The request body is not valid JSON."))
    if exc.status_code == 401:
        return _unauthenticated(request, exc)
    return problem(exc.status_code, f"http_{exc.status_code}", TITLES.get(exc.status_code, str(exc)))


def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return problem(500, "internal_error", _("Something went wrong on our side. Please try again later."))


def method_not_allowed(allowed: str) -> HttpResponse:
    return problem(
        405, "method_not_allowed", _("This address does not accept this method."), headers={"Allow": allowed}
    )
