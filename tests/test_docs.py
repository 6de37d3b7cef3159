"""The README is the user's manual: every command, config key and benchmark must be in it."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import get_type_hints

from scheduler_agent.cli import BENCHES, build_parser
from scheduler_agent.config import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def _keys(cls: type, prefix: str = "") -> list[str]:
    keys: list[str] = []
    hints = get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if f.name == "source":
            continue
        if dataclasses.is_dataclass(hints[f.name]):
            keys.extend(_keys(hints[f.name], f"{prefix}{f.name}."))
        else:
            keys.append(f"{prefix}{f.name}")
    return keys


def test_every_config_key_is_documented() -> None:
    missing = [k for k in _keys(Settings) if f"`{k}" not in README]
    assert not missing, f"config keys missing from the README's reference: {missing}"


def test_every_command_is_documented() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in sub.choices.items():
        assert f"scheduler-agent {name}" in README, name
        nested = [a for a in command._actions if isinstance(a, argparse._SubParsersAction)]
        for action in nested:
            for inner in action.choices:
                assert f"scheduler-agent {name} {inner}" in README, f"{name} {inner}"
        for option in command._actions:
            for flag in option.option_strings:
                if flag.startswith("--") and flag not in {"--help", "--config", "--log-level"}:
                    assert flag in README, f"{name} {flag}"


def test_every_benchmark_has_figures_in_the_readme() -> None:
    for target in BENCHES:
        assert f"bench {target}" in README, target
