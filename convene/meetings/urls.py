"""Meetings' URLs (namespace "meetings"): a group's meetings and time polls, one meeting, its calendar file."""

from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("groups/<slug:slug>/meetings/", views.group_meetings, name="group"),
    path("groups/<slug:slug>/meetings/new/", views.meeting_new, name="new"),
    path("groups/<slug:slug>/meetings/poll/", views.poll_new, name="poll_new"),
    path("committee/meetings/", views.committee_meetings, name="committee"),
    path("committee/meetings/new/", views.committee_meeting_new, name="committee_new"),
    path("meetings/<id:meeting>/", views.meeting_detail, name="detail"),
    path("meetings/<id:meeting>/meeting.ics", views.meeting_ics, name="ics"),
    path("meetings/<id:meeting>/answer/", views.meeting_answer, name="answer"),
    path("meetings/answer/<str:token>/", views.answer_by_link, name="answer_by_link"),
    path("meetings/<id:meeting>/move/", views.meeting_move, name="move"),
    path("meetings/<id:meeting>/cancel/", views.meeting_cancel, name="cancel"),
    path("meetings/<id:meeting>/agenda/", views.agenda_edit, name="agenda"),
    path("meetings/<id:meeting>/agenda/usual/", views.agenda_template, name="agenda_template"),
    path("meetings/<id:meeting>/agenda/<id:item>/", views.agenda_item_change, name="agenda_item"),
    path("meetings/<id:meeting>/minutes/", views.minutes_edit, name="minutes"),
    path("meetings/<id:meeting>/minutes/attendance/", views.minutes_attendance, name="attendance"),
    path("meetings/<id:meeting>/minutes/decision/", views.minutes_decision, name="decision"),
    path("meetings/<id:meeting>/minutes/action/", views.minutes_action, name="action"),
    path(
        "meetings/<id:meeting>/minutes/action/<id:item>/delete/",
        views.minutes_action_delete,
        name="action_delete",
    ),
    path("meetings/<id:meeting>/minutes/taker/", views.minutes_taker, name="taker"),
    path("meetings/<id:meeting>/minutes/publish/", views.minutes_publish, name="publish"),
    path("groups/<slug:slug>/meetings.ics", views.group_feed, name="group_feed"),
    path("meetings/series/<id:series>/", views.series_detail, name="series"),
    path("meetings/<id:meeting>/move-following/", views.series_move, name="series_move"),
    path("meetings/series/<id:series>/end/", views.series_end, name="series_end"),
    path("meetings/calendar/", views.calendar_address, name="calendar"),
    path("meetings/calendar/<str:key>.ics", views.personal_feed, name="personal_feed"),
    path("meetings/preferences/", views.preferences, name="preferences"),
    path("meetings/preferences/<str:token>/", views.preferences_by_link, name="preferences_by_link"),
    path("meetings/polls/<id:poll>/", views.poll_detail, name="poll"),
    path("meetings/polls/<id:poll>/choose/", views.poll_choose, name="poll_choose"),
]
