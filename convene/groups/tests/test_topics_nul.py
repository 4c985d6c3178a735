"""A topic slug with a NUL character is refused as unknown (a 422), not sent to PostgreSQL, which
refuses NUL in text with an error (a 500: found by the API fuzzer on PostgreSQL)."""

import pytest
from django.core.exceptions import ValidationError

from convene.groups.api import _topics


@pytest.mark.django_db
def test_a_slug_with_a_nul_character_is_unknown():
    with pytest.raises(ValidationError, match="Unknown topics"):
        _topics(["case\x00management"])
