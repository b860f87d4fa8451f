"""A URL conf for the API tests: the site's URLs plus this app's router mounted on an API of its
own under /test-api/v1/, wrapped like the real one (until the API mounts ``dossiers.api.router``)."""

from __future__ import annotations

from django.urls import include, path
from ninja import NinjaAPI

from gongdao.api import problems
from gongdao.api.auth import AUTH
from gongdao.api.urls import _wrapped
from gongdao.dossiers.api import build_router
from gongdao.urls import urlpatterns as site

api = NinjaAPI(title="dossiers test", urls_namespace="dossiers_test_api", auth=AUTH)
problems.register(api)
api.add_router("", build_router())
_patterns, _app, _namespace = api.urls

urlpatterns = [path("test-api/v1/", include((_wrapped(_patterns), _app), namespace=_namespace)), *site]
