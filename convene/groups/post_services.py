"""Writes to the posts of a group's discussion: the author edits or deletes their own (STYLE §1).

Kept beside ``services.py`` (which starts threads and replies) to keep each module short. Every
version of a post stays in its history (django-simple-history): a deletion empties the post in the
thread, but the co-chairs and the secretariat still read what it said, and who changed it when.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convene.core.rules import ensure
from convene.people.models import Person

from .models import DeliveryStatus, Post, PostDelivery


def _locked_post(post: Post) -> Post:
    locked = Post.objects.select_for_update(of=("self",)).select_related("thread__group").get(pk=post.pk)
    return locked


@transaction.atomic
def post_edit(*, post: Post, acting: Person, body: str) -> Post:
    """The author rewords their post; the thread shows it as edited, the history keeps the old words."""
    post = _locked_post(post)
    ensure(acting, "groups.edit_post", post)
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a message first."))
    if body == post.body:
        return post
    post.body = body
    post.edited_at = timezone.now()
    post._history_user = acting
    post.save(update_fields=["body", "edited_at"])
    return post


@transaction.atomic
def post_delete(*, post: Post, acting: Person) -> Post:
    """The author withdraws their post: a placeholder stays in the thread, and nobody is sent it any
    more (e-mails and digests not sent yet are skipped, unread notices dropped)."""
    post = _locked_post(post)
    ensure(acting, "groups.delete_post", post)
    now = timezone.now()
    post.body = ""
    post.deleted_at = now
    post._history_user = acting
    post.save(update_fields=["body", "deleted_at"])
    PostDelivery.objects.filter(post=post, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SKIPPED
    )
    PostDelivery.objects.filter(post=post, read_at__isnull=True).update(read_at=now)
    return post
