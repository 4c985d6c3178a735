"""The E-Update archive as an Atom feed: the public issues, newest first, each in its default
language (members-only issues stay out: a feed reader has no login)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import Issue, IssueStatus, IssueVisibility
from .queries import issue_parts
from .rendering import edition_context

FEED_ISSUES = 30


class ArchiveFeed(Feed):
    feed_type = Atom1Feed
    title = _("E-Update")
    subtitle = _("The network's E-Update, issue by issue.")

    def link(self):
        return reverse("comms:archive")

    def items(self):
        return (
            issue_parts()
            .filter(status=IssueStatus.SENT, visibility=IssueVisibility.PUBLIC)
            .order_by("-number")[:FEED_ISSUES]
        )

    def item_title(self, item: Issue) -> str:
        texts = {t.language: t for t in item.texts.all()}
        text = texts.get(item.default_language)
        return (text and text.title) or str(_("E-Update %(number)s") % {"number": item.number})

    def item_description(self, item: Issue) -> str:
        texts = {t.language: t for t in item.texts.all()}
        text = texts.get(item.default_language)
        with translation.override(item.default_language):
            return str(edition_context(item, item.default_language)["editorial_html"]) if text else ""

    def item_link(self, item: Issue) -> str:
        return reverse("comms:archive_issue", args=[item.number, item.default_language])

    def item_pubdate(self, item: Issue):
        return item.sent_at

    def item_updateddate(self, item: Issue):
        return item.sent_at
