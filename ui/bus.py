"""After a write, `data_changed(entities)` lets every panel that shows them refresh; nobody polls."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class DataBus(QObject):
    data_changed = Signal(object)  # a set of entity names, e.g. {"room", "person"}

    def notify(self, *entities: str) -> None:
        self.data_changed.emit(set(entities))
