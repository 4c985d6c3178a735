"""Parts of a person's profile page that other apps add (the events a person attended, …): people
imports none of them. An app registers a section in its AppConfig.ready(); a section takes the viewer
and the profile and returns its HTML, or "" when it has nothing to show that viewer."""

from collections.abc import Callable

_sections: list[Callable] = []


def register_profile_section(section: Callable) -> None:
    if section not in _sections:
        _sections.append(section)


def sections_for(*, viewer, profile) -> list[str]:
    return [html for html in (section(viewer=viewer, profile=profile) for section in _sections) if html]
