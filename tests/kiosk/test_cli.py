from __future__ import annotations

import subprocess
import sys

import pytest

from kiosk.cli import build_parser, main


def test_help_lists_the_subcommands(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for command in ("run", "config", "sim", "bench"):
        assert command in out


def test_unknown_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["config", "show", "--frobnicate"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and "--frobnicate" in err


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["fly"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_every_benchmark_is_registered():
    parser = build_parser()
    bench = next(
        a
        for a in parser._subparsers._group_actions[0].choices["bench"]._actions
        if a.dest == "bench_command"
    )  # type: ignore[union-attr]
    assert "startup" in bench.choices


def test_console_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("kiosk ")
