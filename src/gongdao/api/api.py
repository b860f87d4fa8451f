"""The NinjaAPI: routers, authentication, problem+json errors, and the OpenAPI document's
finishing touches (error media types, the Idempotency-Key header, ETag headers)."""

from __future__ import annotations

import copy
from typing import Any

from ninja import NinjaAPI

from gongdao import __version__
from gongdao.api import (
    cases_api,
    evidence_api,
    orders_api,
    platform_api,
    problems,
    selfhelp_api,
    webhooks_api,
)
from gongdao.api.auth import AUTH
from gongdao.api.docs import LocalSwagger
from gongdao.dossiers import api as dossiers_api

DESCRIPTION = """\
The integration surface of Gongdao (公道): a platform pushes orders and confirms refunds,
merchants' systems answer cases, consumers' apps file and follow them, webhooks report events.

* Authenticate with `Authorization: Bearer KEY` (platform keys, shop keys, personal tokens,
  created with `gongdao apikey create`); the web's own JavaScript uses the session and sends
  the CSRF token in `X-CSRFToken`.
* Every POST accepts an `Idempotency-Key`: the same key with the same request returns the
  original response (header `Idempotent-Replayed: true`); with a different request, 422.
* Cases carry an `ETag` (their version); send it as `If-Match` on actions (412 when stale).
* Errors are `application/problem+json` with a stable `code` and a `detail` in the language of
  `Accept-Language` (Chinese by default).
* Requests per key are limited per minute (429 with `Retry-After`).

The walk-through with curl is in docs/api.md.
"""


class GongdaoAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                _finish(path, method, operation)
        return schema


IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Retry safely: the same key and request return the original response for 24 hours.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}
ETAG_HEADER = {"ETag": {"description": "The case's version, for If-Match.", "schema": {"type": "string"}}}
RATE_HEADERS = {
    "Retry-After": {"description": "Seconds until you may try again.", "schema": {"type": "string"}}
}


def _finish(path: str, method: str, operation: dict[str, Any]) -> None:
    for status, response in operation.get("responses", {}).items():
        content = response.get("content", {})
        if int(status) >= 400 and "application/json" in content:
            response["content"] = {problems.MEDIA_TYPE: content.pop("application/json")}
        if int(status) == 429:
            response["headers"] = copy.deepcopy(RATE_HEADERS)
    if method == "post" and operation.get("security"):
        operation.setdefault("parameters", []).append(copy.deepcopy(IDEMPOTENCY_PARAMETER))
    responses = operation.get("responses", {})
    if path.endswith(("/cases/{case_id}", "/actions/{action}")) and 200 in responses:
        responses[200]["headers"] = copy.deepcopy(ETAG_HEADER)
    if path.endswith("/cases") and method == "post":
        responses[201]["headers"] = copy.deepcopy(ETAG_HEADER)


api = GongdaoAPI(
    title="Gongdao API",
    version=__version__,
    description=DESCRIPTION,
    urls_namespace="api",
    auth=AUTH,
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
problems.register(api)
api.add_router("", platform_api.router)
api.add_router("", orders_api.router)
api.add_router("", cases_api.router)
api.add_router("", evidence_api.router)
api.add_router("", webhooks_api.router)
api.add_router("", dossiers_api.router)
api.add_router("", selfhelp_api.router)
