"""What apps above plans add to a plan's deliverables, without plans knowing them (the import layers
stay downwards, as ``core.hooks`` does for templates).

An app names, in its ``AppConfig.ready``, a one-to-one relation that reaches Deliverable (the library's
``Resource.deliverable``, reached from a deliverable as ``.resource``): the plan's parts are read with
it joined (``queries._part_lookups``), so that the plan page's ``{% hook "plans.deliverable" %}``
snippets find it on each deliverable without a query per deliverable (nor one more for them all)."""

_related: list[str] = []


def register_deliverable_related(name: str) -> None:
    if name not in _related:
        _related.append(name)


def deliverable_related() -> list[str]:
    return list(_related)
