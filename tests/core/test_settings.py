"""Settings: every GONGDAO_* setting is documented in docs/settings.md; a bad value fails with an
error naming the variable; every CLI command has working --help."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from gongdao import conf
from gongdao.cli import main

DOCS = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def test_every_setting_is_documented() -> None:
    assert DOCS.exists(), "docs/settings.md lists every setting"
    documented = set(re.findall(r"`(GONGDAO_[A-Z0-9_]+)`", DOCS.read_text(encoding="utf-8")))
    missing = [s.name for s in conf.SETTINGS if s.name not in documented]
    assert not missing, f"undocumented in docs/settings.md: {', '.join(missing)}"


def test_defaults_load_with_nothing_set(tmp_path: Path) -> None:
    values = conf.load({"GONGDAO_DATA_DIR": str(tmp_path)})
    assert values["GONGDAO_DATABASE_URL"] == f"sqlite:///{tmp_path / 'gongdao.sqlite3'}"
    assert values["GONGDAO_TIME_ZONE"] == "Asia/Shanghai"
    assert values["GONGDAO_EMAIL_PORT"] == 25
    assert values["GONGDAO_STORAGE"] == "local"
    assert "127.0.0.1" in values["GONGDAO_ALLOWED_HOSTS"]


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"GONGDAO_EMAIL_PORT": "abc"}, "GONGDAO_EMAIL_PORT"),
        ({"GONGDAO_EMAIL_PORT": "70000"}, "GONGDAO_EMAIL_PORT"),
        ({"GONGDAO_TIME_ZONE": "Mars/Base"}, "GONGDAO_TIME_ZONE"),
        ({"GONGDAO_STORAGE": "s3"}, "GONGDAO_S3_ENDPOINT"),
        ({"GONGDAO_STORAGE": "s3", "GONGDAO_S3_ENDPOINT": "http://127.0.0.1:9000"}, "GONGDAO_S3_BUCKET"),
        ({"GONGDAO_STORAGE": "ftp"}, "GONGDAO_STORAGE"),
        ({"GONGDAO_DEBUG": "maybe"}, "GONGDAO_DEBUG"),
        ({"GONGDAO_DATABASE_URL": "mysql://root@localhost/gongdao"}, "GONGDAO_DATABASE_URL"),
        ({"GONGDAO_BASE_URL": "gongdao.example"}, "GONGDAO_BASE_URL"),
        ({"GONGDAO_LANGUAGE": "fr"}, "GONGDAO_LANGUAGE"),
        ({"GONGDAO_MAX_IMAGE_MB": "0"}, "GONGDAO_MAX_IMAGE_MB"),
        ({"GONGDAO_EMAIL_PASSWORD_FILE": "/nonexistent/secret"}, "GONGDAO_EMAIL_PASSWORD_FILE"),
    ],
)
def test_bad_value_names_the_variable(tmp_path: Path, environ: dict[str, str], named: str) -> None:
    with pytest.raises(conf.SettingError) as error:
        conf.load({"GONGDAO_DATA_DIR": str(tmp_path), **environ})
    assert str(error.value).startswith(named + ":"), str(error.value)


def test_secret_may_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text("s3cret\n", encoding="utf-8")
    values = conf.load({"GONGDAO_DATA_DIR": str(tmp_path), "GONGDAO_EMAIL_PASSWORD_FILE": str(secret)})
    assert values["GONGDAO_EMAIL_PASSWORD"] == "s3cret"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        found.append(path)
        if isinstance(command, click.Group):
            found += _commands(command, path)
    return found


COMMANDS = _commands(main)


def test_core_commands_exist() -> None:
    names = {" ".join(c) for c in COMMANDS}
    for command in ("init", "serve", "worker", "tick", "verify", "cases", "case show", "keys show", "demo"):
        assert command in names


def test_gongdao_help_lists_the_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    for name in main.commands:
        assert name in result.output


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
