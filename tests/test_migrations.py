"""The test run builds tables straight from the models (--nomigrations, for speed); this test
keeps the migrations honest: they must describe the models exactly, and apply from scratch."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:
        pytest.fail(f"models changed without a migration:\n{out.getvalue()}\n(exit {exc.code})")


@pytest.mark.db
def test_migrations_apply_on_an_empty_database(tmp_path) -> None:
    import subprocess
    import sys

    env = {"GONGDAO_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    import os

    if os.environ.get("GONGDAO_DATABASE_URL"):
        pytest.skip("applies migrations to a fresh SQLite file; PostgreSQL runs them in the CLI tests")
    result = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--settings=gongdao.settings", "-v", "0"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
