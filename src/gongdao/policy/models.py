"""Policy versions (a case runs under the version in force when it was filed) and loaded
calendar years (statutory holidays beyond what the calendar library knows).

A version is immutable once registered: cases point at it, and their deadlines were counted
from it. Only a version that is not yet in force may be rescheduled or withdrawn
(policy/actions.py).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models


class PolicyVersion(models.Model):
    LOADED_VIA = [("default", "packaged default"), ("cli", "command line"), ("admin", "admin site")]

    version = models.CharField(max_length=100, unique=True)
    document = models.TextField()
    effective_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    loaded_via = models.CharField(max_length=10, choices=LOADED_VIA, default="default")
    forced_reason = models.TextField(blank=True)
    # A platform profile for self-help mode (document.PROFILES), registered when a self-help case
    # is first filed under it; blank for the platform's own versions. A profile version is never
    # "in force" for the platform: only self-help cases point at it.
    profile = models.CharField(max_length=40, blank=True, db_index=True)
    # Digest of the published document, so anyone holding a copy can check it; stored (set on
    # every save) so that a read needing the document's rules can name it without reading it:
    # policy.queries.parsed keeps parsed documents by digest.
    sha256 = models.CharField(max_length=64, editable=False, default="")

    class Meta:
        ordering = ["-effective_at"]

    def __str__(self) -> str:
        return self.version

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sha256 = document_digest(self.document)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "document" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sha256"}
        super().save(*args, **kwargs)


def document_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CalendarYear(models.Model):
    year = models.PositiveIntegerField(unique=True)
    document = models.TextField()
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.year)
