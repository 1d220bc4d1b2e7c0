"""`kiosk doctor` says when Qt's platform plugin cannot be loaded (the window would not open)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.admin import display_check
from kiosk.admin.display_check import check_display, platform_for, plugins_dir
from kiosk.config import KioskConfig


@pytest.fixture
def kiosk_config(demo_config: KioskConfig) -> KioskConfig:
    return demo_config.model_copy(update={"mode": "kiosk"})


def test_the_platform_is_the_environment_s_else_wayland_in_kiosk_mode(kiosk_config, demo_config):
    assert platform_for(kiosk_config, {}) == "wayland"
    assert platform_for(demo_config, {}) == "xcb"
    assert platform_for(kiosk_config, {"QT_QPA_PLATFORM": "offscreen"}) == "offscreen"
    assert platform_for(kiosk_config, {"QT_QPA_PLATFORM": "wayland;xcb"}) == "wayland"


def test_the_installed_plugins_load_here(kiosk_config):
    # scripts/install-debian-deps.sh installs libwayland-cursor0 and the xcb libraries
    for platform in ("wayland", "offscreen"):
        result = check_display(kiosk_config, {"QT_QPA_PLATFORM": platform})
        assert result.ok, result
        assert result.details["platform"] == platform


@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler to build a plugin")
def test_a_plugin_whose_library_is_missing_fails_and_names_it(kiosk_config, tmp_path: Path):
    """A real shared object that needs a library which is not there, as libqwayland.so does
    without libwayland-cursor0: the dynamic loader's own error is reported."""
    build = tmp_path / "build"
    build.mkdir()
    (build / "dep.c").write_text("int kiosk_dep(void) { return 1; }\n")
    (build / "plugin.c").write_text(
        "int kiosk_dep(void);\nint plugin(void) { return kiosk_dep(); }\n"
    )
    soname = "libkiosk-test-gone.so.0"
    subprocess.run(
        [
            "cc",
            "-shared",
            "-fPIC",
            f"-Wl,-soname,{soname}",
            "-o",
            str(build / soname),
            str(build / "dep.c"),
        ],
        check=True,
    )
    platforms = tmp_path / "platforms"
    platforms.mkdir()
    subprocess.run(
        [
            "cc",
            "-shared",
            "-fPIC",
            "-o",
            str(platforms / "libqwayland.so"),
            str(build / "plugin.c"),
            str(build / soname),
        ],
        check=True,
    )
    shutil.rmtree(build)  # the library the plugin needs is gone

    result = check_display(kiosk_config, {}, directory=platforms)
    assert not result.ok
    assert "cannot be loaded" in result.summary
    assert soname in result.reason
    assert result.fix


def test_missing_libwayland_cursor_names_the_debian_package(kiosk_config, monkeypatch):
    error = (
        "OSError: libwayland-cursor.so.0: cannot open shared object file: No such file or directory"
    )
    monkeypatch.setattr(display_check, "load_error", lambda path: error)
    result = check_display(kiosk_config, {})
    assert not result.ok
    assert result.fix == "apt-get install libwayland-cursor0"
    assert result.details["missing"] == "libwayland-cursor.so.0"


def test_a_missing_plugin_file_and_an_unknown_platform(kiosk_config, tmp_path: Path):
    missing = check_display(kiosk_config, {}, directory=tmp_path)
    assert not missing.ok and "missing" in missing.summary
    unknown = check_display(kiosk_config, {"QT_QPA_PLATFORM": "bogus"})
    assert not unknown.ok and "bogus" in unknown.summary


def test_plugins_dir_is_pyside6_s():
    directory = plugins_dir()
    assert directory is not None and (directory / "libqoffscreen.so").exists()
