"""Buildings, rooms and the people tied to them (房屋与业主)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from app import audit
from app.errors import ConflictError, NotFoundError, ValidationError
from app.roles import Actor, Perm, require
from app.validation import (
    canonical_phone,
    clean_room_code,
    floor_from_number,
    mask_id,
    mask_phone,
    normalize_text,
    phone_problem,
    resident_id_problem,
    room_code_problem,
    split_room_code,
    unmask,
)
from db.models import Building, Occupant, Person, Room


class RoomKind(StrEnum):
    RESIDENCE = "residence"
    SHOP = "shop"
    COMMON = "common"


class Occupancy(StrEnum):
    OCCUPIED = "occupied"
    VACANT_UNSOLD = "vacant_unsold"        # A 已接管未售
    VACANT_SOLD = "vacant_sold"            # B 已售未入住
    VACANT_UNDECORATED = "vacant_undecorated"  # C 已入住未装修
    NOT_APPLICABLE = "n_a"


class Relation(StrEnum):
    OWNER = "owner"
    RESIDENT = "resident"
    TENANT = "tenant"


class IdType(StrEnum):
    RESIDENT_ID = "resident_id"
    DRIVER_LICENSE = "driver_license"
    PASSPORT = "passport"
    OTHER = "other"


KIND_LABELS = {RoomKind.RESIDENCE: "住宅", RoomKind.SHOP: "商铺", RoomKind.COMMON: "公共区域"}
OCCUPANCY_LABELS = {
    Occupancy.OCCUPIED: "已入住",
    Occupancy.VACANT_UNSOLD: "空置A 已接管未售",
    Occupancy.VACANT_SOLD: "空置B 已售未入住",
    Occupancy.VACANT_UNDECORATED: "空置C 已入住未装修",
    Occupancy.NOT_APPLICABLE: "—",
}
RELATION_LABELS = {Relation.OWNER: "业主", Relation.RESIDENT: "住户", Relation.TENANT: "租户"}
ID_TYPE_LABELS = {IdType.RESIDENT_ID: "身份证", IdType.DRIVER_LICENSE: "驾驶证",
                  IdType.PASSPORT: "护照", IdType.OTHER: "其他证件"}
MAX_AREA = Decimal("100000")
MAX_NOTE = 1000


# ---------------------------------------------------------------- input and validation

@dataclass(frozen=True)
class RoomData:
    code: str
    kind: RoomKind = RoomKind.RESIDENCE
    occupancy: Occupancy = Occupancy.OCCUPIED
    area: Decimal | None = None
    floor: int | None = None
    name: str = ""
    note: str = ""


@dataclass(frozen=True)
class PersonData:
    name: str
    phone: str = ""
    phone2: str = ""
    id_type: IdType = IdType.RESIDENT_ID
    id_number: str = ""
    foreigner: bool = False
    note: str = ""


def parse_area(text: str) -> Decimal | None:
    raw = str(text or "")
    for unit in ("㎡", "m²", "平方米", "平米"):  # before NFKC, which turns ㎡ into "m2"
        raw = raw.replace(unit, "")
    t = normalize_text(raw)
    t = t[:-2].strip() if t.lower().endswith("m2") else t
    if not t:
        return None
    try:
        d = Decimal(t)
    except InvalidOperation as e:
        raise ValueError(text) from e
    if not d.is_finite():
        raise ValueError(text)
    return d.quantize(Decimal("0.01"))


def clean_room(data: RoomData) -> RoomData:
    return replace(data, code=clean_room_code(data.code), name=normalize_text(data.name),
                   note=data.note.strip())


def room_problems(data: RoomData) -> dict[str, str]:
    d = clean_room(data)
    errors: dict[str, str] = {}
    if d.kind == RoomKind.COMMON:
        if not d.code:
            errors["code"] = "请填写编号，如 公共-配电室 或 3-公共-电梯机房"
        if not d.name:
            errors["name"] = "请填写公共区域名称，如 配电室"
    elif p := room_code_problem(d.code):
        errors["code"] = p
    elif "公共" in d.code:
        errors["code"] = "公共区域编号的房屋类型应为“公共区域”"
    if d.area is not None and not (Decimal(0) < d.area < MAX_AREA):
        errors["area"] = "面积应大于 0 且小于 100000 平方米"
    if d.floor is not None and not -10 <= d.floor <= 200:
        errors["floor"] = "楼层应在 -10 到 200 之间"
    if len(d.note) > MAX_NOTE:
        errors["note"] = f"备注不超过 {MAX_NOTE} 字"
    return errors


def clean_person(data: PersonData) -> PersonData:
    idn = normalize_text(data.id_number).replace(" ", "").upper()
    return replace(data, name=normalize_text(data.name), phone=canonical_phone(data.phone),
                   phone2=canonical_phone(data.phone2), id_number=idn, note=data.note.strip())


def person_problems(data: PersonData) -> dict[str, str]:
    d = clean_person(data)
    errors: dict[str, str] = {}
    if not d.name:
        errors["name"] = "请填写姓名"
    elif len(d.name) > 64:
        errors["name"] = "姓名过长"
    if p := phone_problem(d.phone):
        errors["phone"] = p
    if p := phone_problem(d.phone2):
        errors["phone2"] = p
    if len(d.note) > MAX_NOTE:
        errors["note"] = f"备注不超过 {MAX_NOTE} 字"
    if d.id_number:
        if d.id_type == IdType.RESIDENT_ID:
            if p := resident_id_problem(d.id_number):
                errors["id_number"] = p
        elif not 5 <= len(d.id_number) <= 32:
            errors["id_number"] = "证件号码长度应为 5 到 32 位"
    return errors


# ---------------------------------------------------------------- rows

@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    phone: str
    phone2: str
    id_type: IdType
    id_number: str
    foreigner: bool
    note: str
    masked: bool

    @property
    def id_type_label(self) -> str:
        return ID_TYPE_LABELS[self.id_type]


@dataclass(frozen=True)
class OccupantRow:
    id: int
    relation: Relation
    move_in_date: date | None
    active: bool
    person: PersonRow

    @property
    def relation_label(self) -> str:
        return RELATION_LABELS[self.relation]


@dataclass(frozen=True)
class RoomRow:
    id: int
    code: str
    building: str
    unit: str
    number: str
    floor: int | None
    area: Decimal | None
    kind: RoomKind
    occupancy: Occupancy
    name: str
    active: bool
    people: str = ""
    phone: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def occupancy_label(self) -> str:
        return OCCUPANCY_LABELS[self.occupancy]


@dataclass(frozen=True)
class RoomDetail:
    room: RoomRow
    note: str
    occupants: list[OccupantRow] = field(default_factory=list)


@dataclass(frozen=True)
class RoomQuery:
    text: str = ""
    kind: RoomKind | None = None
    building: str = ""
    include_inactive: bool = False
    reveal: bool = False
    offset: int = 0
    limit: int = 200


def _can_reveal(actor: Actor, reveal: bool) -> tuple[bool, bool]:
    """(show full phones, show full ID numbers) for this request."""
    if not reveal:
        return False, False
    return actor.can(Perm.REVEAL_PHONE), actor.can(Perm.REVEAL_ID)


def _person_row(p: Person, show_phone: bool, show_id: bool) -> PersonRow:
    return PersonRow(
        id=p.id, name=p.name,
        phone=p.phone if show_phone else mask_phone(p.phone),
        phone2=p.phone2 if show_phone else mask_phone(p.phone2),
        id_type=IdType(p.id_type),
        id_number=p.id_number if show_id else mask_id(p.id_number),
        foreigner=p.foreigner, note=p.note, masked=not (show_phone and show_id))


def _room_row(r: Room, building_code: str, people: str = "", phone: str = "") -> RoomRow:
    return RoomRow(r.id, r.code, building_code, r.unit, r.number, r.floor, r.area,
                   RoomKind(r.kind), Occupancy(r.occupancy), r.name, r.active, people, phone)


def _room_snapshot(r: Room) -> dict[str, object]:
    return {"code": r.code, "kind": r.kind, "occupancy": r.occupancy, "area": r.area,
            "floor": r.floor, "name": r.name, "note": r.note, "active": r.active}


def _person_snapshot(p: Person) -> dict[str, object]:
    # Audit keeps masked personal data: the log is readable by supervisors and admins.
    return {"name": p.name, "phone": mask_phone(p.phone), "phone2": mask_phone(p.phone2),
            "id_type": p.id_type, "id_number": mask_id(p.id_number), "foreigner": p.foreigner,
            "note": p.note, "active": p.active}


# ---------------------------------------------------------------- buildings and rooms

def get_or_create_building(session: Session, code: str) -> Building:
    b = session.scalar(select(Building).where(Building.code == code))
    if b is None:
        b = Building(code=code, name=f"{code}号楼" if code.isdigit() else code)
        session.add(b)
        session.flush()
    return b


def _apply_room(session: Session, r: Room, d: RoomData) -> None:
    if d.kind == RoomKind.COMMON:
        parts = d.code.split("-")
        building = parts[0] if len(parts) >= 3 else "公共"
        r.unit, r.number = "", d.name
        r.occupancy = str(Occupancy.NOT_APPLICABLE)
    else:
        building, r.unit, r.number = split_room_code(d.code)
        r.occupancy = str(d.occupancy)
    r.building_id = get_or_create_building(session, building).id
    r.code, r.kind, r.area, r.name, r.note = d.code, str(d.kind), d.area, d.name, d.note
    r.floor = d.floor if d.floor is not None else floor_from_number(r.number)


def create_room(session: Session, actor: Actor, data: RoomData) -> RoomRow:
    require(actor, Perm.EDIT_ROOMS)
    d = clean_room(data)
    if errors := room_problems(d):
        raise ValidationError(errors=errors)
    if session.scalar(select(Room.id).where(Room.code == d.code)):
        raise ConflictError(f"房号 {d.code} 已存在", field="code")
    r = Room(created_by=actor.username, updated_by=actor.username, active=True)
    _apply_room(session, r, d)
    session.add(r)
    session.flush()
    audit.record(session, actor, "create", "room", r.id, after=_room_snapshot(r),
                 summary=f"新建房屋 {r.code}")
    return _room_row(r, r.building.code)


def update_room(session: Session, actor: Actor, room_id: int, data: RoomData) -> RoomRow:
    require(actor, Perm.EDIT_ROOMS)
    r = _get_room(session, room_id)
    d = clean_room(data)
    if errors := room_problems(d):
        raise ValidationError(errors=errors)
    if d.code != r.code and session.scalar(select(Room.id).where(Room.code == d.code)):
        raise ConflictError(f"房号 {d.code} 已存在", field="code")
    before = _room_snapshot(r)
    _apply_room(session, r, d)
    b, a = audit.diff(before, _room_snapshot(r))
    if a:
        r.updated_by = actor.username
        session.flush()
        audit.record(session, actor, "update", "room", r.id, before=b, after=a,
                     summary=f"修改房屋 {r.code}")
    return _room_row(r, r.building.code)


def set_room_active(session: Session, actor: Actor, room_id: int, active: bool) -> RoomRow:
    require(actor, Perm.EDIT_ROOMS)
    r = _get_room(session, room_id)
    if r.active != active:
        r.active = active
        r.updated_by = actor.username
        audit.record(session, actor, "activate" if active else "deactivate", "room", r.id,
                     before={"active": not active}, after={"active": active},
                     summary=f"{'启用' if active else '停用'}房屋 {r.code}")
    return _room_row(r, r.building.code)


def _get_room(session: Session, room_id: int) -> Room:
    r = session.get(Room, room_id)
    if r is None:
        raise NotFoundError("找不到该房屋")
    return r


def find_room_id(session: Session, code: str) -> int | None:
    return session.scalar(select(Room.id).where(Room.code == clean_room_code(code)))


def room_codes(session: Session, include_inactive: bool = False) -> list[str]:
    """All room codes, for the room-number completer."""
    stmt = select(Room.code).order_by(Room.code)
    if not include_inactive:
        stmt = stmt.where(Room.active.is_(True))
    return list(session.scalars(stmt))


def _room_filter(stmt: Any, q: RoomQuery) -> Any:
    """The WHERE of a room search, shared by the page query and the count."""
    if not q.include_inactive:
        stmt = stmt.where(Room.active.is_(True))
    if q.kind is not None:
        stmt = stmt.where(Room.kind == str(q.kind))
    if q.building:
        stmt = stmt.where(Building.code == q.building)
    text = normalize_text(q.text)
    if text:
        code_like = clean_room_code(text)
        digits = text.replace("-", "").replace(" ", "")
        conds = [Person.name.like(f"%{text}%")]
        if digits.isdigit() and len(digits) >= 3:
            conds.append(Person.phone.like(f"%{digits}%"))
        # People first: SQLite scans persons once and reaches their ties through the person_id
        # index instead of looking up the person of every tie ("3-2-1", 10,000 rooms: 7 → 4 ms).
        people = select(Occupant.room_id).where(
            Occupant.active.is_(True), Occupant.person_id.in_(select(Person.id).where(or_(*conds))))
        stmt = stmt.where(or_(Room.code.like(f"{code_like}%"), Room.name.like(f"%{text}%"),
                              Room.id.in_(people)))
    return stmt


def count_matching(session: Session, actor: Actor, q: RoomQuery) -> int:
    """How many rooms the search finds in all (the list shows them a page at a time)."""
    require(actor, Perm.VIEW_ROOMS)
    stmt = _room_filter(select(func.count()).select_from(Room).join(Building, Room.building_id == Building.id), q)
    return session.scalar(stmt) or 0


@dataclass(frozen=True)
class RoomPage:
    rows: list[RoomRow]
    total: int  # every room the search finds, not only this page


def search_rooms_page(session: Session, actor: Actor, q: RoomQuery) -> RoomPage:
    """One page of a search and the number of all matches.

    With search text the page query counts the matches itself (count(*) OVER ()): its sort visits
    every match anyway, while a separate count runs the LIKE filter a second time (~10-15 ms per
    keystroke on 10,000 rooms). Without text a plain count is cheaper (~1 ms): the window would
    stop SQLite from keeping only the first page while it sorts all the rooms (~20 ms).
    """
    filtered = bool(normalize_text(q.text))
    rows, total = _search(session, actor, q, with_total=filtered)
    if not filtered or (not rows and q.offset > 0):
        total = count_matching(session, actor, q)
    return RoomPage(rows, total)


def search_rooms(session: Session, actor: Actor, q: RoomQuery) -> list[RoomRow]:
    """Search as you type: room code, a person's name or phone. Filtering and paging in SQL."""
    return _search(session, actor, q, with_total=False)[0]


def _search(session: Session, actor: Actor, q: RoomQuery, *, with_total: bool) -> tuple[list[RoomRow], int]:
    require(actor, Perm.VIEW_ROOMS)
    # Plain columns, not ORM objects: a third faster per keystroke for a page of 200 rooms.
    cols: list[Any] = [Room.id, Room.code, Building.code, Room.unit, Room.number, Room.floor, Room.area,
                       Room.kind, Room.occupancy, Room.name, Room.active]
    if with_total:
        cols.append(func.count().over())
    stmt = select(*cols).join(Building, Room.building_id == Building.id)
    stmt = _room_filter(stmt, q)
    # Natural order: building 2 before 10, room 101 before 1001.
    stmt = stmt.order_by(func.length(Building.code), Building.code, func.length(Room.unit), Room.unit,
                         func.length(Room.number), Room.number, Room.code)
    rows = session.execute(stmt.offset(q.offset).limit(q.limit)).all()
    if not rows:
        return [], 0
    total = rows[0][11] if with_total else 0
    show_phone, _ = _can_reveal(actor, q.reveal)
    ids = [r[0] for r in rows]
    names: dict[int, list[str]] = {}
    phones: dict[int, str] = {}
    occ = session.execute(
        select(Occupant.room_id, Occupant.relation, Person.name, Person.phone)
        .join(Person, Occupant.person_id == Person.id)
        .where(Occupant.room_id.in_(ids), Occupant.active.is_(True))
        .order_by(Occupant.room_id, Occupant.relation != "owner", Occupant.id))
    for room_id, _rel, name, phone in occ:
        names.setdefault(room_id, []).append(name)
        if room_id not in phones and phone:
            phones[room_id] = phone if show_phone else mask_phone(phone)
    return [RoomRow(rid, code, bcode, unit, number, floor, area, RoomKind(kind), Occupancy(occupancy),
                    name, active, "、".join(names.get(rid, [])), phones.get(rid, ""))
            for rid, code, bcode, unit, number, floor, area, kind, occupancy, name, active, *_ in rows
            ], total


def count_rooms(session: Session, include_inactive: bool = False) -> int:
    stmt = select(func.count()).select_from(Room)
    if not include_inactive:
        stmt = stmt.where(Room.active.is_(True))
    return session.scalar(stmt) or 0


def room_detail(session: Session, actor: Actor, room_id: int, reveal: bool = False,
                audit_reveal: bool = True) -> RoomDetail:
    """`audit_reveal=False` when the same screen already recorded revealing this room."""
    require(actor, Perm.VIEW_ROOMS)
    r = _get_room(session, room_id)
    show_phone, show_id = _can_reveal(actor, reveal)
    if reveal and audit_reveal and (show_phone or show_id):
        audit.record(session, actor, "reveal", "room", r.id,
                     summary=f"查看房屋 {r.code} 住户的完整{'证件号与' if show_id else ''}电话")
    occupants = session.scalars(
        select(Occupant).options(joinedload(Occupant.person)).where(Occupant.room_id == r.id)
        .order_by(Occupant.active.desc(), Occupant.relation != "owner", Occupant.id))
    rows = [OccupantRow(o.id, Relation(o.relation), o.move_in_date, o.active,
                        _person_row(o.person, show_phone, show_id)) for o in occupants]
    return RoomDetail(_room_row(r, r.building.code), r.note, rows)


# ---------------------------------------------------------------- people

def add_person_to_room(session: Session, actor: Actor, room_id: int, data: PersonData,
                       relation: Relation = Relation.OWNER,
                       move_in_date: date | None = None) -> OccupantRow:
    require(actor, Perm.EDIT_ROOMS)
    r = _get_room(session, room_id)
    if not r.active:
        raise ConflictError(f"{r.code} 已停用，不能登记人员；请先启用房屋")
    d = clean_person(data)
    if errors := person_problems(d):
        raise ValidationError(errors=errors)
    p = None
    if d.id_number:
        p = session.scalar(select(Person).where(Person.id_number == d.id_number))
        if p is not None and p.name != d.name:
            raise ConflictError(f"证件号码已登记在“{p.name}”名下", field="id_number")
        if p is not None:
            # The same person (an owner of a second flat): what the clerk typed now is newer.
            update_person(session, actor, p.id, replace(
                d, phone=d.phone or p.phone, phone2=d.phone2 or p.phone2, note=d.note or p.note))
    if p is None:
        p = Person(name=d.name, phone=d.phone, phone2=d.phone2, id_type=str(d.id_type),
                   id_number=d.id_number, foreigner=d.foreigner, note=d.note, active=True,
                   created_by=actor.username, updated_by=actor.username)
        session.add(p)
        session.flush()
        audit.record(session, actor, "create", "person", p.id, after=_person_snapshot(p),
                     summary=f"新建人员 {p.name}")
    existing = session.scalar(select(Occupant).where(
        Occupant.room_id == r.id, Occupant.person_id == p.id, Occupant.relation == str(relation)))
    if existing is not None:
        if existing.active:
            raise ConflictError(f"{p.name} 已是 {r.code} 的{RELATION_LABELS[relation]}")
        existing.active = True
        existing.move_in_date = move_in_date or existing.move_in_date
        o = existing
    else:
        o = Occupant(room_id=r.id, person_id=p.id, relation=str(relation), move_in_date=move_in_date,
                     active=True, created_by=actor.username, updated_by=actor.username)
        session.add(o)
    session.flush()
    audit.record(session, actor, "link", "occupant", o.id,
                 after={"room": r.code, "person": p.name, "relation": str(relation),
                        "move_in_date": move_in_date},
                 summary=f"{p.name} 登记为 {r.code} 的{RELATION_LABELS[relation]}")
    return OccupantRow(o.id, relation, o.move_in_date, True, _person_row(p, False, False))


def update_person(session: Session, actor: Actor, person_id: int, data: PersonData) -> PersonRow:
    require(actor, Perm.EDIT_ROOMS)
    p = session.get(Person, person_id)
    if p is None:
        raise NotFoundError("找不到该人员")
    # Masked values coming back from a form mean "unchanged": put the stored ones back first.
    d = clean_person(replace(data, phone=unmask(data.phone, p.phone), phone2=unmask(data.phone2, p.phone2),
                             id_number=unmask(data.id_number, p.id_number)))
    if errors := person_problems(d):
        raise ValidationError(errors=errors)
    if d.id_number and d.id_number != p.id_number:
        other = session.scalar(select(Person.name).where(Person.id_number == d.id_number,
                                                         Person.id != p.id))
        if other:
            raise ConflictError(f"证件号码已登记在“{other}”名下", field="id_number")
    before = _person_snapshot(p)
    p.name, p.id_type, p.foreigner, p.note = d.name, str(d.id_type), d.foreigner, d.note
    p.phone, p.phone2, p.id_number = d.phone, d.phone2, d.id_number
    b, a = audit.diff(before, _person_snapshot(p))
    if a:
        p.updated_by = actor.username
        audit.record(session, actor, "update", "person", p.id, before=b, after=a,
                     summary=f"修改人员 {p.name}")
    return _person_row(p, False, False)


def record_reveal(session: Session, actor: Actor, what: str) -> None:
    """Audit that full phones/ID numbers were shown or exported (a list, an export)."""
    show_phone, show_id = _can_reveal(actor, True)
    if show_phone or show_id:
        audit.record(session, actor, "reveal", "room", "", summary=what)


def person_for_edit(session: Session, actor: Actor, person_id: int) -> PersonData:
    """The stored values for an edit form: full where the role may see them, masked otherwise.

    Opening the form is a reveal and is audited when anything is shown in full.
    """
    require(actor, Perm.EDIT_ROOMS)
    p = session.get(Person, person_id)
    if p is None:
        raise NotFoundError("找不到该人员")
    row = _person_row(p, actor.can(Perm.REVEAL_PHONE), actor.can(Perm.REVEAL_ID))
    if (p.phone and row.phone == p.phone) or (p.id_number and row.id_number == p.id_number):
        audit.record(session, actor, "reveal", "person", p.id, summary=f"编辑时查看 {p.name} 的完整信息")
    return PersonData(name=row.name, phone=row.phone, phone2=row.phone2, id_type=row.id_type,
                      id_number=row.id_number, foreigner=row.foreigner, note=row.note)


def set_occupant_active(session: Session, actor: Actor, occupant_id: int, active: bool) -> None:
    """Deactivate a tie (moved out, sold); the person and history stay."""
    require(actor, Perm.EDIT_ROOMS)
    o = session.get(Occupant, occupant_id)
    if o is None:
        raise NotFoundError("找不到该登记")
    if o.active != active:
        o.active = active
        o.updated_by = actor.username
        audit.record(session, actor, "activate" if active else "deactivate", "occupant", o.id,
                     before={"active": not active}, after={"active": active},
                     summary=f"{'恢复' if active else '注销'} {o.person.name} 在 {o.room.code} 的"
                             f"{RELATION_LABELS[Relation(o.relation)]}登记")


def room_data(session: Session, room_id: int) -> RoomData:
    r = _get_room(session, room_id)
    return RoomData(code=r.code, kind=RoomKind(r.kind), occupancy=Occupancy(r.occupancy),
                    area=r.area, floor=r.floor, name=r.name, note=r.note)


def as_dict(row: object) -> dict[str, object]:
    return asdict(row)  # type: ignore[call-overload]


# ---------------------------------------------------------------- slips

ROOM_SLIP_PREFIX = "FW-"


def room_serial(code: str) -> str:
    return f"{ROOM_SLIP_PREFIX}{code}"


def room_code_from_scan(text: str) -> str | None:
    """A scanned 《房屋业主登记表》 QR code (FW-3-2-1201) gives back the room code."""
    t = normalize_text(text).upper()
    return t[len(ROOM_SLIP_PREFIX):] if t.startswith(ROOM_SLIP_PREFIX) else None


def room_register_slip(session: Session, actor: Actor, room_id: int):  # noqa: ANN201 - SlipSpec
    """《房屋业主登记表》: the room and its current people, for the owner to check and sign.

    Personal data is masked on the slip (it leaves the counter).
    """
    from app.slips import Field, ItemTable, SlipSpec, TextBlock

    d = room_detail(session, actor, room_id)
    r = d.room
    people = [o for o in d.occupants if o.active]
    fields = [
        Field("房号", r.code if r.kind != RoomKind.COMMON else f"{r.code}（{r.name}）"),
        Field("类型", KIND_LABELS[r.kind]),
        Field("楼层", "" if r.floor is None else f"{r.floor} 层"),
        Field("建筑面积", "" if r.area is None else f"{r.area} ㎡"),
        Field("入住状态", OCCUPANCY_LABELS[r.occupancy]),
        Field("登记人数", f"{len(people)} 人"),
    ]
    rows = [[o.relation_label, o.person.name + ("（外籍）" if o.person.foreigner else ""),
             "  ".join(p for p in (o.person.phone, o.person.phone2) if p),
             f"{o.person.id_type_label} {o.person.id_number}" if o.person.id_number else "",
             o.move_in_date.isoformat() if o.move_in_date else ""] for o in people]
    return SlipSpec(
        kind="room_register", title="《房屋业主登记表》", serial=room_serial(r.code), fields=fields,
        blocks=[ItemTable(["身份", "姓名", "电话", "证件", "入住日期"], rows or [["", "（无登记）", "", "", ""]],
                          widths=[0.1, 0.15, 0.2, 0.38, 0.17]),
                TextBlock("备注（如有变更请在此注明）", d.note, min_lines=3)],
        signatures=("业主签字", "经办人", "日期"),
        footer="个人信息已按规定部分隐藏。请核对以上信息，如有错误请告知客服中心更正。")
