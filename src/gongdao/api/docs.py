"""The API's human docs page: Swagger UI served from django-ninja's own copy of its files (no
CDN: the page works offline and under the site's Content-Security-Policy, script-src 'self')."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from ninja.openapi.docs import Swagger

from gongdao.api import problems

ASSETS = Path(ninja.__file__).parent / "static" / "ninja"
SERVED = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.png": "image/png",
}


class LocalSwagger(Swagger):
    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": json.dumps(self.settings, indent=1), "api": api}
        return render(request, "api/swagger.html", context)


def asset(request: HttpRequest, name: str) -> HttpResponseBase:
    """One of Swagger UI's files, from the installed django-ninja package."""
    if name not in SERVED:
        return problems.not_found()
    response = FileResponse(open(ASSETS / name, "rb"), content_type=SERVED[name])  # noqa: SIM115
    patch_cache_control(response, public=True, max_age=86400)
    return response
