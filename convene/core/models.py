from django.db import models


class Generation(models.Model):
    """A token per kind of computed figure (``name``), replaced whenever what the figure rests on
    changes: every process compares it with the token its copy was computed under (see
    ``core.generations``)."""

    name = models.CharField(max_length=64, unique=True)
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.name}: {self.token}"
