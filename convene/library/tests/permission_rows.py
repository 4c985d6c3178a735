"""The library's rows of the permission matrix (tests/permissions): the search, one resource, its
download and citation, the catalogue, publishing (also a new edition and a deliverable of G), editing.

The resource R is G's (public), published by G's co-chair with a link; the deliverable is the one of
G's draft work plan (``world.plans``)."""

import datetime

from tests.permissions.harness import (
    API_EVERYONE,
    COCHAIR,
    EVERYONE_200,
    OTHER_COCHAIR,
    G,
    Row,
    World,
    roles,
)


def resource(world: World):
    from convene.library import services

    return world.once(
        "_library_resource",
        lambda: services.resource_create(
            acting=world.person(COCHAIR),
            group=world.group,
            kind="guideline",
            title="Guiding principles",
            authors=["Davis, Rebecca"],
            published_on=datetime.date(2017, 3, 1),
            language="en",
            link="https://example.org/guide.pdf",
        ),
    )


def of_resource(world: World, role: str) -> list:
    return [resource(world).pk]


def of_deliverable(world: World, role: str) -> list:
    return [G, world.plans.deliverable.pk]


def resources(world: World, role: str) -> list:
    from convene.library.models import Resource

    return sorted(Resource.objects.values_list("pk", "title", "edition", "deliverable_id"))


def form(world: World, role: str) -> dict:
    return {
        "kind": "toolkit",
        "title": "Advocacy toolkit",
        "authors": "Alliance",
        "published_on": "2017-04-01",
        "language": "en",
        "link": "https://example.org/toolkit",
        "group": str(world.group.pk),
        "visibility": "public",
    }


def edit_form(world: World, role: str) -> dict:
    return form(world, role) | {"title": "Renamed"}


PUBLISHERS = roles(member=403, cochair=200)
PUBLISHERS_POST = roles(member=403, secretariat=(302, "/library/*"), cochair=(302, "/library/*"))
TO_LINK = (302, "https://example.org/guide.pdf")

ROWS = [
    Row("library:list", EVERYONE_200),
    Row(
        "library:list",
        EVERYONE_200,
        variant="search",
        query={"q": "guid", "kind": "guideline", "year": "2017"},
    ),
    Row("library:new", roles(member=403, cochair=200, other_cochair=200)),
    Row(
        "library:new",
        # H's co-chair may publish, but not for G: the form says so and nothing is made.
        roles(member=403, secretariat=(302, "/library/*"), cochair=(302, "/library/*"), other_cochair=200),
        method="POST",
        data=form,
        state=resources,
        unchanged=frozenset({OTHER_COCHAIR}),
    ),
    Row("library:detail", EVERYONE_200, args=of_resource),
    Row("library:edit", PUBLISHERS, args=of_resource),
    Row("library:edit", PUBLISHERS_POST, method="POST", args=of_resource, data=edit_form, state=resources),
    Row("library:download", roles(anonymous=TO_LINK, member=TO_LINK, secretariat=TO_LINK), args=of_resource),
    Row("library:citation", EVERYONE_200, args=lambda world, role: [resource(world).pk, "bibtex"]),
    Row("library:export", EVERYONE_200, args=lambda world, role: ["csv"]),
    Row("library:group", EVERYONE_200, args=lambda world, role: [G]),
    Row("library:from_deliverable", PUBLISHERS, args=of_deliverable),
    Row(
        "library:from_deliverable",
        PUBLISHERS_POST,
        method="POST",
        args=of_deliverable,
        data=lambda world, role: form(world, role) | {"title": "Toolkit on case management"},
        state=resources,
    ),
]

API_PUBLISHERS = roles(anonymous=401, member=403, cochair=200)


def api_body(world: World, role: str) -> dict:
    return {
        "kind": "report",
        "title": "By API",
        "published_on": "2024-01-01",
        "language": "fr",
        "link": "https://example.org/api",
        "group": G,
    }


def pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("guide.pdf", b"%PDF-1.7 guide", content_type="application/pdf")


def files(world: World, role: str) -> list:
    from convene.library.models import Resource

    return sorted(Resource.objects.values_list("pk", "title", "edition", "file"))


ROWS += [
    Row("api:list_resources", API_EVERYONE, api=True),
    Row(
        "api:upload_resource",
        roles(anonymous=401, member=403, secretariat=201, cochair=201),
        method="POST",
        data=lambda world, role: api_body(world, role) | {"link": "", "authors": "Alliance", "file": pdf()},
        state=files,
        api=True,
    ),
    Row(
        "api:upload_resource_file",
        API_PUBLISHERS,
        method="POST",
        args=of_resource,
        data=lambda world, role: {"file": pdf()},
        state=files,
        api=True,
    ),
    Row(
        "api:create_resource",
        roles(anonymous=401, member=403, secretariat=201, cochair=201),
        method="POST",
        json=api_body,
        state=resources,
        api=True,
    ),
    Row("api:get_resource", API_EVERYONE, args=of_resource, api=True),
    Row(
        "api:update_resource",
        API_PUBLISHERS,
        method="PATCH",
        args=of_resource,
        json=lambda world, role: {"title": "Renamed by API"},
        state=resources,
        api=True,
    ),
    Row("api:resource_citation", API_EVERYONE, args=of_resource, api=True),
    Row("api:resource_downloads", API_PUBLISHERS, args=of_resource, api=True),
    Row(
        "api:publish_deliverable",
        roles(anonymous=401, member=403, secretariat=201, cochair=201),
        method="POST",
        args=lambda world, role: [G, world.plans.deliverable.pk],
        json=lambda world, role: {"language": "en", "link": "https://example.org/d"},
        state=resources,
        api=True,
    ),
]
