"""The pinned requirements: production installs requirements.txt alone, development adds the tools.

Pins drift silently (a dependency added to pyproject.toml but not pinned, a test tool creeping into
what production installs); these checks say which line to change.
"""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Never installed in production: test, benchmark and lint tools and what they alone pull in.
DEV_ONLY = {
    "pytest", "pytest-django", "pytest-xdist", "hypothesis", "schemathesis", "playwright",
    "locust", "gevent", "flask", "aiosmtpd", "ruff", "polib",
}  # fmt: skip


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0]).lower()


def _pins(filename: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / filename).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-r"):
            continue
        assert "==" in line, f"{filename}: {line!r} is not pinned with =="
        name, version = line.split("==", 1)
        pins[_name(name)] = version
    return pins


@pytest.fixture(scope="module")
def project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_production_requirements_pin_every_runtime_dependency_and_no_tool(project):
    runtime = _pins("requirements.txt")
    missing = {_name(dep) for dep in project["dependencies"]} - set(runtime)
    assert not missing, f"pyproject.toml dependencies not pinned in requirements.txt: {sorted(missing)}"
    tools = DEV_ONLY & set(runtime)
    assert not tools, f"development tools in the production requirements: {sorted(tools)}"
    assert "redis" in runtime, "several processes share the cache, queue and rate limits through Redis"


def test_development_requirements_add_the_tools_on_top(project):
    text = (ROOT / "requirements-dev.txt").read_text()
    assert "-r requirements.txt" in text.splitlines()
    dev = _pins("requirements-dev.txt")
    missing = {_name(dep) for dep in project["optional-dependencies"]["dev"]} - set(dev)
    assert not missing, f"dev extras not pinned in requirements-dev.txt: {sorted(missing)}"
    twice = set(dev) & set(_pins("requirements.txt"))
    assert not twice, f"pinned in both files (keep each in one): {sorted(twice)}"


def test_installed_versions_match_the_pins():
    pins = {**_pins("requirements.txt"), **_pins("requirements-dev.txt")}
    wrong = {}
    for name, version in pins.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (version, installed)
    assert not wrong, f"installed versions differ from the pins (pinned, installed): {wrong}"
