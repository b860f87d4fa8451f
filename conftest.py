"""Test-run environment: a throwaway data dir (unless the caller chose one) before Django loads."""

import os
import tempfile

if not os.environ.get("GONGDAO_DATA_DIR"):
    os.environ["GONGDAO_DATA_DIR"] = tempfile.mkdtemp(prefix="gongdao-test-")
os.environ.setdefault("GONGDAO_SECRET_KEY", "test-secret-key-not-for-production")
