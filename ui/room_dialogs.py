"""Dialogs to add or edit a room and a person, validated as the clerk types."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLineEdit, QPlainTextEdit, QWidget

from app import rooms
from app.context import AppContext
from app.rooms import (
    ID_TYPE_LABELS,
    KIND_LABELS,
    OCCUPANCY_LABELS,
    RELATION_LABELS,
    IdType,
    Occupancy,
    PersonData,
    Relation,
    RoomData,
    RoomKind,
)
from ui.forms import FormDialog
from ui.labels import label


def _combo(labels: dict, current: object = None) -> QComboBox:
    c = QComboBox()
    for code, text in labels.items():
        c.addItem(label(text), code)
    if current is not None:
        i = c.findData(current)
        if i >= 0:
            c.setCurrentIndex(i)
    return c


class RoomDialog(FormDialog):
    def __init__(self, ctx: AppContext, room_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("编辑房屋") if room_id else self.tr("新增房屋"), parent)
        self.ctx, self.room_id = ctx, room_id
        initial = ctx.query(lambda s, _a: rooms.room_data(s, room_id)) if room_id else RoomData(code="")
        self.kind = self.add_field("kind", self.tr("类型"), _combo(KIND_LABELS, initial.kind))
        self.code = self.add_field("code", self.tr("房号"), QLineEdit(initial.code))
        self.code.setPlaceholderText(self.tr("楼栋-单元-房号，如 3-2-1201；公共区域如 公共-配电室"))
        self.name = self.add_field("name", self.tr("名称"), QLineEdit(initial.name))
        self.name.setPlaceholderText(self.tr("公共区域填写，如 配电室"))
        self.area = self.add_field("area", self.tr("建筑面积（㎡）"),
                                   QLineEdit("" if initial.area is None else str(initial.area)))
        self.floor = self.add_field("floor", self.tr("楼层"),
                                    QLineEdit("" if initial.floor is None else str(initial.floor)))
        self.floor.setPlaceholderText(self.tr("留空则按房号推算"))
        occ = {k: v for k, v in OCCUPANCY_LABELS.items() if k != Occupancy.NOT_APPLICABLE}
        self.occupancy = self.add_field("occupancy", self.tr("入住状态"), _combo(occ, initial.occupancy))
        self.note = self.add_field("note", self.tr("备注"), QPlainTextEdit(initial.note))
        self.note.setFixedHeight(60)
        self.note.setTabChangesFocus(True)
        self.kind.currentIndexChanged.connect(self._sync_kind)
        self._sync_kind()
        self.code.setFocus()
        self.revalidate()

    def _sync_kind(self) -> None:
        common = self.kind.currentData() == RoomKind.COMMON
        self.name.setEnabled(common)
        self.occupancy.setEnabled(not common)

    def data(self) -> RoomData:
        area_text = self.area.text()
        floor_text = self.floor.text().strip()
        return RoomData(code=self.code.text(), kind=RoomKind(self.kind.currentData()),
                        occupancy=Occupancy(self.occupancy.currentData()),
                        area=rooms.parse_area(area_text),
                        floor=int(floor_text) if floor_text else None,
                        name=self.name.text(), note=self.note.toPlainText())

    def problems(self) -> dict[str, str]:
        try:
            rooms.parse_area(self.area.text())
        except ValueError:
            return {"area": self.tr("面积请填写数字，如 89.50")}
        f = self.floor.text().strip()
        if f and not f.lstrip("-").isdigit():
            return {"floor": self.tr("楼层请填写整数")}
        return rooms.room_problems(self.data())

    def save(self) -> rooms.RoomRow:
        if self.room_id is None:
            return self.ctx.call(rooms.create_room, self.data())
        return self.ctx.call(rooms.update_room, self.room_id, self.data())


class PersonDialog(FormDialog):
    """Add a person to a room (with relation and move-in date), or edit a person."""

    def __init__(self, ctx: AppContext, room_id: int | None = None, person_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("编辑人员") if person_id else self.tr("添加人员"), parent)
        self.ctx, self.room_id, self.person_id = ctx, room_id, person_id
        initial = ctx.call(rooms.person_for_edit, person_id) if person_id else PersonData(name="")
        self.name = self.add_field("name", self.tr("姓名"), QLineEdit(initial.name))
        self.relation: QComboBox | None = None
        self.move_in: QDateEdit | None = None
        if person_id is None:
            self.relation = self.add_field("relation", self.tr("身份"), _combo(RELATION_LABELS))
        self.phone = self.add_field("phone", self.tr("手机/电话"), QLineEdit(initial.phone))
        self.phone2 = self.add_field("phone2", self.tr("备用电话"), QLineEdit(initial.phone2))
        self.id_type = self.add_field("id_type", self.tr("证件类型"), _combo(ID_TYPE_LABELS, initial.id_type))
        self.id_number = self.add_field("id_number", self.tr("证件号码"), QLineEdit(initial.id_number))
        self.foreigner = self.add_field("foreigner", self.tr("外籍人员"), QCheckBox(self.tr("是（需填外籍人员登记表）")))
        self.foreigner.setChecked(initial.foreigner)
        if person_id is None:
            self.move_in = QDateEdit()
            self.move_in.setCalendarPopup(True)
            self.move_in.setDisplayFormat("yyyy-MM-dd")
            self.move_in.setDate(QDate.currentDate())
            self.move_in.setEnabled(False)
            self.has_move_in = QCheckBox(self.tr("已知"))
            self.has_move_in.toggled.connect(self.move_in.setEnabled)
            holder = QWidget()
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(self.has_move_in)
            row.addWidget(self.move_in, 1)
            self.add_field("move_in_date", self.tr("入住日期"), holder)
        self.note = self.add_field("note", self.tr("备注"), QPlainTextEdit(initial.note))
        self.note.setFixedHeight(60)
        self.note.setTabChangesFocus(True)
        self.name.setFocus()
        self.revalidate()

    def data(self) -> PersonData:
        return PersonData(name=self.name.text(), phone=self.phone.text(), phone2=self.phone2.text(),
                          id_type=IdType(self.id_type.currentData()), id_number=self.id_number.text(),
                          foreigner=self.foreigner.isChecked(), note=self.note.toPlainText())

    def problems(self) -> dict[str, str]:
        d = self.data()
        # Masked values shown for an existing person mean "unchanged": do not validate those.
        if "*" in d.phone or "*" in d.phone2 or "*" in d.id_number:
            from dataclasses import replace

            d = replace(d, phone="" if "*" in d.phone else d.phone,
                        phone2="" if "*" in d.phone2 else d.phone2,
                        id_number="" if "*" in d.id_number else d.id_number)
        return rooms.person_problems(d)

    def save(self) -> object:
        if self.person_id is not None:
            return self.ctx.call(rooms.update_person, self.person_id, self.data())
        assert self.relation is not None and self.move_in is not None
        qd = self.move_in.date()
        moved = date(qd.year(), qd.month(), qd.day()) if self.has_move_in.isChecked() else None
        return self.ctx.call(rooms.add_person_to_room, self.room_id, self.data(),
                             Relation(self.relation.currentData()), moved)
