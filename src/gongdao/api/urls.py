"""/api/v1/: the NinjaAPI's routes, each wrapped in the envelope, the docs assets, and a
problem+json 404 for every other address under the prefix."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, include, path, re_path
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from gongdao.api import auth, evidence_api, idempotency, problems
from gongdao.api.api import api
from gongdao.api.docs import asset
from gongdao.errors import DomainError


def envelope(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Around every operation: the caller's language, the key lookup and rate limit, the
    Idempotency-Key, problem+json for the method-not-allowed answers, rate-limit headers."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = problems.api_language(request)
        upload = evidence_api.arm_upload(request)
        with translation.override(language):
            try:
                _refuse_nul(request)
                auth.identify(request)
                response = idempotency.run(request, lambda: view(request, *args, **kwargs))
            except DomainError as exc:
                response = problems.from_domain_error(exc)
            finally:
                if upload is not None:
                    upload.cleanup()
            if response.status_code == 405 and not response.get("Content-Type", "").startswith(
                problems.MEDIA_TYPE
            ):
                response = problems.method_not_allowed(response.get("Allow", ""))
        response["Content-Language"] = language
        usage = getattr(request, "_gongdao_usage", None)
        if usage is not None:
            response["RateLimit-Limit"] = str(usage.limit)
            response["RateLimit-Remaining"] = str(usage.remaining)
            response["RateLimit-Reset"] = str(usage.reset_after)
        return response

    return wrapped


def _refuse_nul(request: HttpRequest) -> None:
    """No address or query may carry a NUL character: no database column can hold one."""
    fields = request.GET.lists()
    if "\x00" in request.path or any("\x00" in k or any("\x00" in v for v in vs) for k, vs in fields):
        raise problems.BadRequest("nul_character", _("Text cannot contain the NUL character (\\u0000)."))


def _wrapped(patterns: list[Any]) -> list[Any]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = envelope(pattern.callback)
    return patterns


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    with translation.override(problems.api_language(request)):
        return problems.not_found()


_patterns, _app_name, _namespace = api.urls
urlpatterns = [
    path("docs/assets/<str:name>", asset, name="api-docs-asset"),
    path("", include((_wrapped(_patterns), _app_name), namespace=_namespace)),
    re_path(r"^(?P<rest>.*)$", not_found),
]
