"""Meetings' part of "download your data" and erasure (the engine is convene/core/privacy.py).

The meetings a person organised stay, under "Former member": the group's record of when it met does
not depend on who sent the invitations. Their answers to invitations and time polls are theirs alone
and go."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from convene.core.privacy import Declaration, Erase

DECLARATIONS: tuple[Declaration, ...] = (
    Declaration("meetings.Series", fields={"organiser": Erase.KEEP}),
    Declaration("meetings.Meeting", fields={"organiser": Erase.KEEP}),
    Declaration("meetings.TimePoll", fields={"organiser": Erase.KEEP}),
    Declaration(
        "meetings.Invitation",
        fields={"person": Erase.DELETE},
        title=_("Meetings you were invited to, and your answers"),
    ),
    Declaration(
        "meetings.PollAnswer",
        fields={"person": Erase.DELETE},
        title=_("Your answers to proposed meeting times"),
    ),
    Declaration(
        "meetings.CalendarFeed",
        fields={"person": Erase.DELETE},
        secret=frozenset({"key"}),
        title=_("Your private calendar address"),
    ),
    Declaration("meetings.Minutes", fields={"taker": Erase.KEEP, "updated_by": Erase.KEEP}),
    Declaration(
        "meetings.HistoricalMinutes",
        fields={"taker": Erase.KEEP, "updated_by": Erase.KEEP, "history_user": Erase.KEEP},
    ),
    Declaration(
        "meetings.MinutesRescue",
        fields={"person": Erase.DELETE},
        title=_("Minutes you were writing when your session ended"),
    ),
    Declaration("meetings.Attendance", fields={"person": Erase.KEEP}),
    Declaration("meetings.ActionItem", fields={"assignee": Erase.KEEP}),
    Declaration("meetings.AgendaItem", fields={"presenter": Erase.KEEP}),
    Declaration(
        "meetings.MeetingPreferences",
        fields={"person": Erase.DELETE},
        title=_("Your choices of reminders and digest"),
    ),
    Declaration(
        "meetings.MeetingReminder",
        fields={"person": Erase.DELETE},
        title=_("Reminders sent to you before meetings"),
    ),
)
