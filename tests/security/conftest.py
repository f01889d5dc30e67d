"""The world of the access-matrix tests, built once for this package and rolled back at its end.

Every test here takes ``world`` and ``db``: pytest-django's ``db`` wraps the
test in a savepoint inside the world's transaction, and each cell of the
matrix runs in a savepoint of its own (``cell``), so that no cell sees what
another wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test.utils import override_settings

from .world import World, build


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MEDIA_ROOT=media,
            YINGJI_IDLE_TIMEOUT_MIN=60 * 24 * 365,
            SESSION_COOKIE_AGE=3600 * 24 * 365,
            YINGJI_JOBS_INLINE=True,
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _settings_of_the_world(settings, world):
    settings.YINGJI_JOBS_INLINE = True
    cache.clear()


@contextmanager
def cell() -> Iterator[None]:
    """Run the block in a savepoint that is always rolled back."""
    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)
