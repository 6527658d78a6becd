"""The 房屋与住户 section of the month-end workbook (the spine's own figures)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.exports import ColKind, ExportColumn
from app.monthly import ChartSpec, KeyFigure, Month, MonthSection, SectionTable, register
from app.rooms import KIND_LABELS, OCCUPANCY_LABELS, RELATION_LABELS, Occupancy, Relation, RoomKind
from app.timeutil import to_local
from db.models import Building, Occupant, Person, Room

VACANT = (Occupancy.VACANT_UNSOLD, Occupancy.VACANT_SOLD, Occupancy.VACANT_UNDECORATED)


@register("rooms", "房屋与住户", order=10)
def rooms_section(session: Session, month: Month) -> MonthSection:
    start, end = month.utc_bounds()
    counts = session.execute(
        select(Room.kind, Room.occupancy, func.count()).where(Room.active.is_(True))
        .group_by(Room.kind, Room.occupancy)).all()
    by: dict[tuple[str, str], int] = {(k, o): n for k, o, n in counts}
    households = sum(n for (k, _o), n in by.items() if k == RoomKind.RESIDENCE)
    occupied = by.get((RoomKind.RESIDENCE, Occupancy.OCCUPIED), 0)
    vacant = sum(by.get((RoomKind.RESIDENCE, o), 0) for o in VACANT)

    occ_cols = [Occupancy.OCCUPIED, *VACANT]
    kind_rows = []
    for kind in (RoomKind.RESIDENCE, RoomKind.SHOP):
        row: list[object] = [KIND_LABELS[kind]] + [by.get((kind, o), 0) for o in occ_cols]
        row.append(sum(int(v) for v in row[1:]))  # type: ignore[arg-type]
        kind_rows.append(row)
    commons = sum(n for (k, _o), n in by.items() if k == RoomKind.COMMON)
    kind_rows.append([KIND_LABELS[RoomKind.COMMON]] + [0] * len(occ_cols) + [commons])
    kinds = SectionTable(
        "房屋按类型与入住状态（导出时的状态）",
        [ExportColumn("类型")] + [ExportColumn(OCCUPANCY_LABELS[o], ColKind.INT) for o in occ_cols]
        + [ExportColumn("合计", ColKind.INT)], kind_rows)

    bld = session.execute(
        select(Building.code, Room.occupancy, func.count())
        .join(Room, Room.building_id == Building.id)
        .where(Room.active.is_(True), Room.kind == RoomKind.RESIDENCE)
        .group_by(Building.code, Room.occupancy)).all()
    per: dict[str, list[int]] = {}
    for code, occ, n in bld:
        slot = per.setdefault(code, [0, 0])
        slot[0 if occ == Occupancy.OCCUPIED else 1] += n
    order = sorted(per, key=lambda c: (len(c), c))
    buildings = SectionTable(
        "各楼栋住宅户数",
        [ExportColumn("楼栋"), ExportColumn("已入住", ColKind.INT), ExportColumn("空置", ColKind.INT),
         ExportColumn("合计", ColKind.INT)],
        [[f"{c}号楼" if c.isdigit() else c, per[c][0], per[c][1], sum(per[c])] for c in order])

    added = session.execute(
        select(Occupant.created_at, Room.code, Person.name, Occupant.relation, Occupant.move_in_date)
        .join(Room, Occupant.room_id == Room.id).join(Person, Occupant.person_id == Person.id)
        .where(Occupant.created_at >= start, Occupant.created_at < end)
        .order_by(Occupant.created_at, Room.code)).all()
    new_rows = [[to_local(at).date() if at else None, code, name, RELATION_LABELS[Relation(rel)], moved]
                for at, code, name, rel, moved in added]
    new_owners = sum(1 for r in added if r[3] == Relation.OWNER)
    newcomers = SectionTable(
        f"{month.label}新登记的业主与住户",
        [ExportColumn("登记日期", ColKind.DATE), ExportColumn("房号", ColKind.CODE), ExportColumn("姓名"),
         ExportColumn("身份"), ExportColumn("入住日期", ColKind.DATE)], new_rows)
    return MonthSection(
        key="rooms", title="房屋与住户",
        figures=[
            KeyFigure("住宅户数", households),
            KeyFigure("已入住户数", occupied),
            KeyFigure("空置户数", vacant),
            KeyFigure("本月新登记业主", new_owners),
            KeyFigure("本月新登记住户与租户", len(added) - new_owners),
        ],
        tables=[kinds, buildings, newcomers],
        charts=[ChartSpec("各楼栋住宅户数", table=1, categories=0, series=[1, 2], kind="bar", y_title="户数")],
        notes=["房屋的类型与入住状态为导出时的状态；新登记人数按登记日期统计。"],
        has_data=bool(counts) or bool(added),
    )
