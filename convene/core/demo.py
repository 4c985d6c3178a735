"""The demo network, built app by app: each app's ``demo.py`` registers its builder here and
``convene demo`` runs them in their order.

Core imports no app: the command finds the builders with ``autodiscover_modules("demo")``. A builder
takes the run (the command's options, what the builders before it made) and adds its phrase to the
closing summary; a check may refuse the run's options before anything is built.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass
class DemoRun:
    seed: int
    members: int
    extra_groups: int
    plan_rows: int
    no_groups: bool
    # What each builder made, by its name, for the builders after it.
    made: dict[str, Any] = field(default_factory=dict)
    # "2,900 people", "12 terms", …: the summary line, in the builders' order.
    summary: list[str] = field(default_factory=list)
    # Lines printed after the summary (the demo logins).
    closing: list[str] = field(default_factory=list)


class DemoRefused(Exception):
    """The run's options cannot build a sound demo network (the message says why)."""


@dataclass(frozen=True)
class DemoBuilder:
    order: int
    name: str
    build: Callable[[DemoRun], None]
    check: Callable[[DemoRun], None] | None = None


_builders: dict[str, DemoBuilder] = {}


def register(order: int, name: str, *, check: Callable[[DemoRun], None] | None = None):
    """Register ``build(run)`` as the demo builder called ``name``, run in ``order`` (lowest first)."""

    def decorator(build: Callable[[DemoRun], None]) -> Callable[[DemoRun], None]:
        _builders[name] = DemoBuilder(order=order, name=name, build=build, check=check)
        return build

    return decorator


def builders() -> list[DemoBuilder]:
    """Every app's demo builder, in order."""
    autodiscover_modules("demo")
    return sorted(_builders.values(), key=lambda builder: builder.order)
