import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    # Assertions read the English wording; Korean translations added to the catalogue must not break them.
    with translation.override("en"):
        yield
