"""Every label of a stored code in app/ is listed for translation in ui/labels.py."""

from __future__ import annotations

from app import backup, roles, rooms
from ui import labels


def test_every_app_label_is_translatable():
    app_labels = set()
    for table in (rooms.KIND_LABELS, rooms.OCCUPANCY_LABELS, rooms.RELATION_LABELS,
                  rooms.ID_TYPE_LABELS, roles.ROLE_LABELS, backup.KIND_LABELS):
        app_labels |= set(table.values())
    missing = app_labels - set(labels.KNOWN)
    assert not missing, f"add to ui/labels.py: {sorted(missing)}"
