"""The `sadeeq` command (also `python -m bot`).

Each subcommand lives beside the code it drives and exposes `add_arguments(parser)` and
`run(args) -> int`. Only the module of the command being run is imported, so a quick
`sadeeq classify` does not pay for the web server's imports.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import NoReturn

COMMANDS: dict[str, tuple[str, str]] = {
    "setup": ("bot.setup", "create or upgrade the database and seed the demo billing data"),
    "chat": ("bot.channels.terminal", "talk to the bot in the terminal as a subscriber"),
    "serve": ("bot.channels.server", "the webhook server (Twilio, Telegram, /healthz, /metrics)"),
    "telegram": ("bot.channels.telegram_polling", "Telegram in polling mode (needs a bot token)"),
    "classify": (
        "bot.understanding.cli",
        "intent and slots of each line of standard input, as JSON",
    ),
    "intents": (
        "bot.understanding.intents_cli",
        "train the intent model from the corpus; evaluate it",
    ),
    "compensation": ("bot.standards.cli", "compensation owed for one case, as JSON"),
    "outages": ("bot.outages.cli", "operator view of outage incidents"),
    "hazards": ("bot.hazards.cli", "operator view of safety hazard reports"),
    "notices": ("bot.notices.cli", "monthly e-bill notices"),
    "operators": ("bot.console.cli", "accounts of the operations console (/console)"),
    "corpus": ("bot.console.corpus_cli", "export the messages operators labelled, as corpus lines"),
    "handovers": (
        "bot.handovers.cli",
        "subscribers who asked for a person, with their last messages",
    ),
}


def _usage() -> str:
    lines = ["usage: sadeeq COMMAND [options]", "", "commands:"]
    lines += [f"  {name:<13} {summary}" for name, (_, summary) in COMMANDS.items()]
    return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    """Bad arguments exit 2 with one clear line, never a usage dump or a traceback."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
    from bot.resources import MissingData
    from bot.startup import STARTUP_ERRORS

    try:
        return _main(argv)
    except MissingData as exc:
        print(
            f"sadeeq: error: {exc} (the installation is incomplete: reinstall sadeeq)",
            file=sys.stderr,
        )
        return 1
    except STARTUP_ERRORS as exc:
        print(f"sadeeq: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`sadeeq classify | head`): stop quietly, as Unix tools do.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (so the exit flush cannot fail again)
        return 0


def _main(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"sadeeq: error: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    parser = _Parser(prog=f"sadeeq {name}", description=COMMANDS[name][1])
    module.add_arguments(parser)
    args = parser.parse_args(rest)
    from bot.config import SettingsError
    from bot.startup import check_runtime_data

    try:
        if name != "intents":  # the one command that makes the model the checks look for
            check_runtime_data()
        return int(module.run(args) or 0)
    except SettingsError as exc:
        for problem in exc.problems:
            print(f"sadeeq {name}: bad setting: {problem}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
