"""The REST API (django-ninja, OpenAPI 3) under /api/v1/, API keys, idempotency, webhooks."""
