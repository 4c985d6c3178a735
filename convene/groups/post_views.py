"""A post's author edits or deletes it; the group's moderators read its versions. Thin (STYLE §1, §2):
rules decide, ``post_services`` writes, ``queries`` reads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from convene.core.rules import ensure

from . import post_services, queries
from .membership_forms import PostForm
from .membership_views import POSTS_PAGE_SIZE


def _post(request, slug: str, thread_id: int, post_id: int):
    group = queries.group_for_viewer(viewer=request.user, slug=slug)
    ensure(request.user, "groups.read_threads", group)
    thread = queries.thread_for_viewer(group=group, thread_id=thread_id)
    thread.group = group
    return group, thread, queries.post_for_viewer(thread=thread, post_id=post_id)


def _back_to(post) -> HttpResponseRedirect:
    page = queries.post_page_number(post=post, page_size=POSTS_PAGE_SIZE)
    url = reverse("groups:thread", args=[post.thread.group.slug, post.thread_id])
    return HttpResponseRedirect(f"{url}?page={page}#post-{post.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request, slug: str, thread_id: int, post_id: int):
    group, thread, post = _post(request, slug, thread_id, post_id)
    ensure(request.user, "groups.edit_post", post)
    form = PostForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            post = post_services.post_edit(post=post, acting=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            post.thread = thread
            messages.success(request, _("Your message is saved."))
            return _back_to(post)
    return render(
        request, "groups/post_form.html", {"group": group, "thread": thread, "post": post, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_delete(request, slug: str, thread_id: int, post_id: int):
    """GET asks to confirm (no JavaScript needed), POST deletes."""
    group, thread, post = _post(request, slug, thread_id, post_id)
    ensure(request.user, "groups.delete_post", post)
    if request.method == "POST":
        post = post_services.post_delete(post=post, acting=request.user)
        post.thread = thread
        messages.success(request, _("Your message is deleted."))
        return _back_to(post)
    return render(request, "groups/post_delete.html", {"group": group, "thread": thread, "post": post})


@login_required
@require_GET
def post_history(request, slug: str, thread_id: int, post_id: int):
    group, thread, post = _post(request, slug, thread_id, post_id)
    ensure(request.user, "groups.read_post_history", post)
    return render(
        request,
        "groups/post_history.html",
        {"group": group, "thread": thread, "post": post, "versions": queries.post_versions(post=post)},
    )
