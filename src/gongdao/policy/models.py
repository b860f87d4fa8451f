"""Policy versions (a case runs under the version in force when it was filed) and loaded
calendar years (statutory holidays beyond what the calendar library knows)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PolicyVersion(models.Model):
    version = models.CharField(max_length=100, unique=True)
    document = models.TextField()
    effective_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    forced_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-effective_at"]

    def __str__(self) -> str:
        return self.version


class CalendarYear(models.Model):
    year = models.PositiveIntegerField(unique=True)
    document = models.TextField()
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.year)
