"""Each process keeps the newest measures snapshot and reloads it only when a newer one exists."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from continuity.assurance import compute
from continuity.assurance.models import MeasureSnapshot

pytestmark = pytest.mark.django_db


def test_the_newest_snapshot_is_loaded_once_then_only_checked(world):
    first = compute.refresh(by=None)
    with CaptureQueriesContext(connection) as loading:
        loaded = compute.latest()
    assert loaded is not None and loaded.pk == first.pk
    assert loaded.counts == first.counts

    with CaptureQueriesContext(connection) as checking:
        again = compute.latest()
    assert again is loaded  # the same object: nothing loaded again
    assert len(checking) == 1 and "counts" not in checking[0]["sql"]
    assert len(loading) == 2

    newer = compute.refresh(by=None)
    reloaded = compute.latest()
    assert reloaded is not None and reloaded.pk == newer.pk and reloaded is not loaded


def test_no_snapshot_means_none(world):
    MeasureSnapshot.objects.all().delete()
    assert compute.latest() is None
