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


def test_the_wsgi_entry_point_loads_the_thesaurus_before_the_first_search(tmp_path):
    """A worker's first search does not pay for reading the thesaurus and the stemmer's dictionary."""
    environment = dict(os.environ, GOI_CONFIG="development", GOI_INSTANCE_PATH=str(tmp_path))
    script = (
        "import wsgi; from goi.search import glossary, thesaurus, analysis; "
        "print(glossary.longest_phrase.cache_info().currsize, thesaurus.expansions_map.cache_info().currsize, "
        "analysis._sastrawi.cache_info().currsize)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["1", "1", "1"]
