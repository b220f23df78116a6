"""The `goi` loggers as each profile sets them up: readable lines in development, JSON lines in production, pytest's
caplog in the test profile; one handler however many apps are made."""

import json
import logging
from datetime import datetime

import pytest

from config import DevelopmentConfig, ProductionConfig, TestConfig
from goi import create_app
from goi.core.logs import configure_logging
from tests.profiles import make_app, serving

log = logging.getLogger("goi.test")


@pytest.fixture(autouse=True)
def _test_logging_afterwards():
    yield
    configure_logging("test")


def _lines(capsys) -> list[str]:
    return capsys.readouterr().err.splitlines()


def test_production_writes_one_json_object_a_line(tmp_path, capsys):
    with serving(make_app(ProductionConfig, tmp_path)) as app:
        capsys.readouterr()
        with app.test_request_context("/challenges?page=2", headers={"X-Request-ID": "req-42"}):
            log.info("mail to %s: %s", "x@example.id", "Konfirmasi\nakun")
            try:
                raise ValueError("boom")
            except ValueError:
                log.exception("unhandled error")
        log.warning("outside a request")
    lines = _lines(capsys)
    assert len(lines) == 3, lines
    first, second, third = (json.loads(line) for line in lines)
    assert first == {
        "time": first["time"],
        "level": "INFO",
        "logger": "goi.test",
        "message": "mail to x@example.id: Konfirmasi\nakun",
        "method": "GET",
        "path": "/challenges",
        "request_id": "req-42",
    }
    moment = datetime.fromisoformat(first["time"])
    assert moment.utcoffset().total_seconds() == 0
    assert second["level"] == "ERROR"
    assert "ValueError: boom" in second["exception"]
    assert third == {"time": third["time"], "level": "WARNING", "logger": "goi.test", "message": "outside a request"}


def test_development_writes_readable_lines_from_info_on(tmp_path, capsys):
    make_app(DevelopmentConfig, tmp_path)
    log.debug("not shown")
    log.info("shown")
    [line] = _lines(capsys)
    assert line.endswith(" INFO goi.test: shown")


def test_the_level_comes_from_the_settings(tmp_path, capsys):
    make_app(ProductionConfig, tmp_path, LOG_LEVEL="warning")
    log.info("not shown")
    log.warning("shown")
    [line] = _lines(capsys)
    assert json.loads(line)["message"] == "shown"
    with pytest.raises(RuntimeError, match="GOI_LOG_LEVEL"):
        make_app(ProductionConfig, tmp_path, LOG_LEVEL="loud")


@pytest.mark.parametrize("settings", [DevelopmentConfig, ProductionConfig])
def test_many_apps_keep_one_handler(tmp_path, capsys, settings):
    for number in range(3):
        make_app(DevelopmentConfig, tmp_path / f"dev{number}")
        make_app(settings, tmp_path / str(number))
    goi = logging.getLogger("goi")
    assert len(goi.handlers) == 1
    assert not goi.propagate
    log.warning("once")
    assert len(_lines(capsys)) == 1


def test_the_test_profile_leaves_records_to_caplog(tmp_path, capsys, caplog):
    make_app(DevelopmentConfig, tmp_path / "dev")
    create_app(TestConfig, INSTANCE_PATH=str(tmp_path / "test"))
    goi = logging.getLogger("goi")
    assert goi.handlers == []
    assert goi.propagate
    log.info("to caplog")
    assert [record.getMessage() for record in caplog.records if record.name == "goi.test"] == ["to caplog"]
    assert _lines(capsys) == []
