"""The deployment kit says what the code does: every command in the systemd units, compose
file and Dockerfile is one `sadeeq` accepts, and .env.example names every setting."""

from __future__ import annotations

import configparser
import importlib
import json
import re
import shlex

import pytest

from bot.cli import COMMANDS, _Parser
from bot.config import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy" / "systemd"
STAND_INS = {"TWILIO_API_BASE", "TELEGRAM_API_BASE"}  # local fakes for tests, not for operators


def _accepted(argv: list[str]) -> None:
    name, rest = argv[0], argv[1:]
    assert name in COMMANDS, argv
    parser = _Parser(prog=f"sadeeq {name}")
    importlib.import_module(COMMANDS[name][0]).add_arguments(parser)
    parser.parse_args(rest)  # exits 2 on an unknown option or subcommand


def _unit_commands() -> list[tuple[str, list[str]]]:
    found = []
    for unit in sorted(DEPLOY.glob("*.service")):
        config = configparser.ConfigParser(strict=False, interpolation=None)
        config.read(unit)
        exec_start = config["Service"]["ExecStart"].replace("%i", "8001")
        argv = shlex.split(exec_start)
        assert argv[0] == "/opt/sadeeq/venv/bin/sadeeq", unit.name
        found.append((unit.name, argv[1:]))
    return found


def _compose_commands() -> list[tuple[str, list[str]]]:
    text = (PROJECT_ROOT / "compose.yaml").read_text(encoding="utf-8")
    return [
        (f"compose.yaml:{n}", json.loads(m))
        for n, m in enumerate(re.findall(r"^\s+command: (\[.*\])\s*$", text, re.M))
        if "redis-server" not in m
    ]


def _dockerfile_command() -> list[tuple[str, list[str]]]:
    text = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert 'ENTRYPOINT ["sadeeq"]' in text
    return [("Dockerfile CMD", json.loads(re.search(r"^CMD (\[.*\])$", text, re.M).group(1)))]


COMMAND_LINES = [*_unit_commands(), *_compose_commands(), *_dockerfile_command()]


@pytest.mark.parametrize("where,argv", COMMAND_LINES, ids=[w for w, _ in COMMAND_LINES])
def test_every_command_of_the_kit_is_one_sadeeq_accepts(where: str, argv: list[str]) -> None:
    _accepted(argv)


def test_the_kit_has_migrations_two_workers_and_the_notices() -> None:
    commands = [" ".join(argv) for _, argv in COMMAND_LINES]
    assert commands.count("setup --no-demo") == 2  # compose's migrate, systemd's migrate
    assert sum(c.startswith("serve ") for c in commands) >= 3  # app1, app2, sadeeq@
    assert "notices worker" in commands and "notices send --no-progress" in commands
    compose = (PROJECT_ROOT / "compose.yaml").read_text(encoding="utf-8")
    assert compose.count("service_completed_successfully") == 1  # in the workers' anchor
    timer = (DEPLOY / "sadeeq-notices.timer").read_text(encoding="utf-8")
    assert "OnCalendar=*-*-28 09:00:00 Asia/Riyadh" in timer


def test_the_image_runs_as_an_unprivileged_user() -> None:
    text = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    users = re.findall(r"^USER (\S+)$", text, re.M)
    assert users and users[-1] not in ("root", "0")


def test_env_example_names_every_setting() -> None:
    config = (PROJECT_ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    settings = set(re.findall(r'_env\("([A-Z_]+)"', config)) - STAND_INS - {"XDG_DATA_HOME"}
    example = set(re.findall(r"^([A-Z_]+)=", (PROJECT_ROOT / ".env.example").read_text(), re.M))
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert settings - example == set()
    assert {s for s in settings if f"`{s}`" not in readme} == set()
