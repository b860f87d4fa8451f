"""A policy version stores its document's SHA-256, set on every save and filled in by the
migration for versions registered before it; parsed documents are kept by that digest."""

from __future__ import annotations

import hashlib
import importlib
from datetime import UTC, datetime
from typing import Any

import pytest
from django.apps import apps

from gongdao.policy import document, queries
from gongdao.policy.models import PolicyVersion


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _register(label: str, text: str) -> PolicyVersion:
    return PolicyVersion.objects.create(
        version=label, document=text, effective_at=datetime(2030, 1, 1, tzinfo=UTC)
    )


@pytest.mark.django_db
def test_the_digest_is_the_documents_and_follows_an_edit() -> None:
    text = document.default_text().replace('version = "default-2026.1"', 'version = "digest-test"')
    version = _register("digest-test", text)
    assert version.sha256 == _sha256(text)
    assert PolicyVersion.objects.get(pk=version.pk).sha256 == _sha256(text)
    version.document = text + "\n# a scheduled version corrected before it takes effect\n"
    version.save(update_fields=["document"])
    assert PolicyVersion.objects.get(pk=version.pk).sha256 == _sha256(version.document)


@pytest.mark.django_db
def test_the_migration_fills_the_digest_of_versions_registered_before_it() -> None:
    text = document.default_text()
    version = _register("before-digests", text)
    PolicyVersion.objects.filter(pk=version.pk).update(sha256="")
    migration = importlib.import_module("gongdao.policy.migrations.0004_policyversion_sha256")
    migration.fill(apps, None)
    assert PolicyVersion.objects.get(pk=version.pk).sha256 == _sha256(text)


@pytest.mark.django_db
def test_a_version_read_without_its_document_is_parsed_from_the_cache(
    django_assert_num_queries: Any,
) -> None:
    text = document.default_text()
    version = _register("cached-test", text)
    queries._parsed_by_digest.clear()
    light = PolicyVersion.objects.defer("document").get(pk=version.pk)
    with django_assert_num_queries(1):  # the document, the first time this process meets it
        first = queries.parsed(light)
    again = PolicyVersion.objects.defer("document").get(pk=version.pk)
    with django_assert_num_queries(0):
        assert queries.parsed(again) is first
    assert first == document.parse(text)


def test_an_unsaved_version_is_parsed_from_its_text() -> None:
    text = document.default_text()
    assert queries.parsed(PolicyVersion(version="preview", document=text)) == document.parse(text)
