"""A writer killed mid-upload leaves only a temp file, which gc removes; nothing in the store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from gongdao.evidence.storage import LocalStore, gc

pytestmark = pytest.mark.crash

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from django.conf import settings
    settings.configure(USE_I18N=False)
    from gongdao.evidence.storage import Limits, LocalStore, receive

    def slow_upload():
        yield b"%PDF-1.4\\n" + b"%" * 70_000
        print("streaming", flush=True)
        while True:
            time.sleep(0.05)
            yield b"%" * 1024

    store, tmp = LocalStore(Path(sys.argv[1])), Path(sys.argv[2])
    store.put(receive(slow_upload(), kind="other", limits=Limits(1, 1, 10**9), tmp_dir=tmp))
    """
)


def test_writer_killed_mid_upload_leaves_nothing_visible(tmp_path):
    root, tmp_dir = tmp_path / "evidence", tmp_path / "tmp"
    src = Path(__file__).resolve().parents[2] / "src"
    env = dict(os.environ, PYTHONPATH=str(src))
    command = [sys.executable, "-c", WRITER, str(root), str(tmp_dir)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, env=env) as writer:
        try:
            assert writer.stdout.readline() == b"streaming\n"
        finally:
            writer.send_signal(signal.SIGKILL)

    store = LocalStore(root)
    assert list(store.iter_hashes()) == []
    leftovers = list(tmp_dir.iterdir())
    assert len(leftovers) == 1 and leftovers[0].name.startswith("upload-")
    report = gc(store, set(), tmp_dir, older_than=timedelta(0))
    assert report.temp_removed == [str(leftovers[0])]
    assert list(tmp_dir.iterdir()) == []
