"""The entry point gunicorn's workers import."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wsgi_entry_point_freezes_what_start_up_made_out_of_the_collector(tmp_path):
    """The objects of start-up are frozen, so the collector's full collections do not walk them again."""
    environment = dict(os.environ, GOI_CONFIG="development", GOI_INSTANCE_PATH=str(tmp_path))
    script = "import gc, wsgi; print(wsgi.app.name, gc.get_freeze_count())"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    name, frozen = result.stdout.split()[-2:]
    assert name == "goi" and int(frozen) > 10_000
