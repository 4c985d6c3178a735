"""An update's figures as they stood when it was submitted.

The committee reads what the co-chairs sent: a measurement approved or a task closed after the update
was submitted must not change it. ``freeze`` turns the figures composed from the data
(``queries.update_figures``) into JSON stored on the update; ``thaw`` gives them back with the
attributes the page, the pack and the API read from live figures (names, numbers, status codes; the
labels are translated when shown, in the reader's language)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from convene.plans.queries import BudgetSummary
from convene.results.progress import STATUS_LABELS, Status

from .queries import OFF_TRACK, ON_TRACK, UpdateFigures, update_figures

FORMAT = 1  # the snapshot's layout, stored with it


@dataclass(frozen=True)
class FrozenRecord:
    """An indicator, a plan or a deliverable as it was named when the update was sent."""

    pk: int
    name: str = ""
    title: str = ""
    due_on: date | None = None

    def __str__(self) -> str:
        return self.name or self.title


@dataclass(frozen=True)
class FrozenPeriod:
    target: Decimal | None
    actual: Decimal | None
    percent_met: Decimal | None

    @property
    def bar_percent(self) -> Decimal | None:
        if self.percent_met is None:
            return None
        return min(max(self.percent_met, Decimal(0)), Decimal(100))


@dataclass
class FrozenIndicatorFigure:
    indicator: FrozenRecord
    status: Status
    latest: FrozenPeriod | None

    @property
    def progress(self) -> SimpleNamespace:  # what ``UpdateFigures.off_track`` reads of live figures
        return SimpleNamespace(status=self.status)

    @property
    def on_track(self) -> bool:
        return self.status in ON_TRACK

    @property
    def off(self) -> bool:
        return self.status in OFF_TRACK

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def _number(value) -> str | None:
    return None if value is None else str(value)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _day(value) -> date | None:
    return None if not value else date.fromisoformat(value)


def freeze(figures: UpdateFigures) -> dict:
    """The figures as JSON (decimals as text, dates ISO 8601)."""
    budget = figures.budget
    return {
        "format": FORMAT,
        "starts": figures.starts.isoformat(),
        "ends": figures.ends.isoformat(),
        "plan": {"id": figures.plan.pk, "title": figures.plan.title} if figures.plan else None,
        "indicators": [
            {
                "id": f.indicator.pk,
                "name": f.indicator.name,
                "status": str(f.progress.status),
                "target": _number(f.latest.target) if f.latest else None,
                "actual": _number(f.latest.actual) if f.latest else None,
                "percent_met": _number(f.latest.percent_met) if f.latest else None,
                "has_latest": f.latest is not None,
            }
            for f in figures.indicators
        ],
        "deliverables_done": [
            {"id": d.pk, "title": d.title, "due_on": d.due_on.isoformat() if d.due_on else None}
            for d in figures.deliverables_done
        ],
        "deliverables_late": [
            {"id": d.pk, "title": d.title, "due_on": d.due_on.isoformat() if d.due_on else None}
            for d in figures.deliverables_late
        ],
        "tasks_done": figures.tasks_done,
        "meetings_held": figures.meetings_held,
        "meetings_expected": figures.meetings_expected,
        "present": figures.present,
        "recorded": figures.recorded,
        "budget": None
        if budget is None
        else {
            "currency": budget.currency,
            "planned": _number(budget.planned),
            "actual": _number(budget.actual),
            "funded": _number(budget.funded),
            "gap": _number(budget.gap),
        },
        "joined": figures.joined,
        "left": figures.left,
        "members": figures.members,
        "resources": [{"id": r.pk, "title": r.title} for r in figures.resources],
    }


def thaw(data: dict) -> UpdateFigures:
    """Figures read back from ``freeze``'s JSON, shown like live ones."""
    plan = data.get("plan")
    budget = data.get("budget")
    return UpdateFigures(
        starts=date.fromisoformat(data["starts"]),
        ends=date.fromisoformat(data["ends"]),
        plan=FrozenRecord(pk=plan["id"], title=plan["title"]) if plan else None,
        indicators=[
            FrozenIndicatorFigure(
                indicator=FrozenRecord(pk=i["id"], name=i["name"]),
                status=Status(i["status"]),
                latest=FrozenPeriod(_decimal(i["target"]), _decimal(i["actual"]), _decimal(i["percent_met"]))
                if i.get("has_latest")
                else None,
            )
            for i in data.get("indicators", [])
        ],
        deliverables_done=[
            FrozenRecord(pk=d["id"], title=d["title"], due_on=_day(d["due_on"]))
            for d in data.get("deliverables_done", [])
        ],
        deliverables_late=[
            FrozenRecord(pk=d["id"], title=d["title"], due_on=_day(d["due_on"]))
            for d in data.get("deliverables_late", [])
        ],
        tasks_done=data.get("tasks_done", 0),
        meetings_held=data.get("meetings_held", 0),
        meetings_expected=data.get("meetings_expected"),
        present=data.get("present", 0),
        recorded=data.get("recorded", 0),
        budget=None
        if budget is None
        else BudgetSummary(
            currency=budget["currency"],
            planned=Decimal(budget["planned"]),
            actual=Decimal(budget["actual"]),
            funded=Decimal(budget["funded"]),
            gap=Decimal(budget["gap"]),
        ),
        joined=data.get("joined", 0),
        left=data.get("left", 0),
        members=data.get("members", 0),
        resources=[FrozenRecord(pk=r["id"], title=r["title"]) for r in data.get("resources", [])],
    )


def figures_of(update) -> UpdateFigures:
    """What an update shows: the figures frozen when it was submitted, or (a draft, or an update sent
    before figures were frozen) the figures composed from the data now."""
    if update.is_sent and update.figures is not None:
        return thaw(update.figures)
    return update_figures(update.group, update.period_starts, update.period_ends)
