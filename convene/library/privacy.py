"""The library's part of "download your data" and erasure (the engine is convene/core/privacy.py).

A resource belongs to the network or its group, not to the person who put it in the library: it
stays, under "Former member". Download counts name no one."""

from __future__ import annotations

from convene.core.privacy import Declaration, Erase

DECLARATIONS: tuple[Declaration, ...] = (Declaration("library.Resource", fields={"created_by": Erase.KEEP}),)
