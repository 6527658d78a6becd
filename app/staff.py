"""Staff (员工), departments, contractors (施工单位) and the developer (开发商)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.errors import ConflictError, NotFoundError, ValidationError
from app.roles import Actor, Perm, require
from app.validation import canonical_phone, mask_phone, normalize_text, phone_problem, unmask
from db.models import Contractor, Department, Developer, Staff


@dataclass(frozen=True)
class DepartmentRow:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class StaffData:
    name: str
    work_id: str
    department_id: int
    phone: str = ""
    active: bool = True


@dataclass(frozen=True)
class StaffRow:
    id: int
    name: str
    work_id: str
    department_id: int
    department: str
    phone: str
    active: bool


@dataclass(frozen=True)
class PartyData:
    """A contractor (company, contact, phone) or the developer (name, contact, phone)."""

    name: str
    contact: str = ""
    phone: str = ""
    active: bool = True


@dataclass(frozen=True)
class PartyRow:
    id: int
    name: str
    contact: str
    phone: str
    active: bool


def departments(session: Session) -> list[DepartmentRow]:
    return [DepartmentRow(d.id, d.code, d.name)
            for d in session.scalars(select(Department).where(Department.active.is_(True))
                                     .order_by(Department.id))]


def _clean_staff(d: StaffData) -> StaffData:
    return replace(d, name=normalize_text(d.name), work_id=normalize_text(d.work_id).upper(),
                   phone=canonical_phone(d.phone))


def staff_problems(d: StaffData) -> dict[str, str]:
    d = _clean_staff(d)
    e: dict[str, str] = {}
    if not d.name:
        e["name"] = "请填写姓名"
    if not d.work_id:
        e["work_id"] = "请填写工作证号"
    if p := phone_problem(d.phone):
        e["phone"] = p
    return e


def _staff_row(s: Staff, reveal: bool) -> StaffRow:
    return StaffRow(s.id, s.name, s.work_id, s.department_id, s.department.name,
                    s.phone if reveal else mask_phone(s.phone), s.active)


def _staff_snapshot(s: Staff) -> dict[str, object]:
    return {"name": s.name, "work_id": s.work_id, "department_id": s.department_id,
            "phone": mask_phone(s.phone), "active": s.active}


def list_staff(session: Session, actor: Actor, include_inactive: bool = False,
               department_code: str = "", reveal: bool = False) -> list[StaffRow]:
    stmt = select(Staff).join(Department).order_by(Department.id, Staff.work_id)
    if not include_inactive:
        stmt = stmt.where(Staff.active.is_(True))
    if department_code:
        stmt = stmt.where(Department.code == department_code)
    show = reveal and actor.can(Perm.REVEAL_PHONE)
    return [_staff_row(s, show) for s in session.scalars(stmt)]


def save_staff(session: Session, actor: Actor, data: StaffData, staff_id: int | None = None) -> StaffRow:
    require(actor, Perm.EDIT_STAFF)
    existing = session.get(Staff, staff_id) if staff_id is not None else None
    if existing is not None:
        data = replace(data, phone=unmask(data.phone, existing.phone))
    d = _clean_staff(data)
    if errors := staff_problems(d):
        raise ValidationError(errors=errors)
    if session.get(Department, d.department_id) is None:
        raise ValidationError("请选择部门", field="department_id")
    clash = session.scalar(select(Staff.id).where(Staff.work_id == d.work_id))
    if clash and clash != staff_id:
        raise ConflictError(f"工作证号 {d.work_id} 已被使用", field="work_id")
    if staff_id is None:
        s = Staff(name=d.name, work_id=d.work_id, department_id=d.department_id, phone=d.phone,
                  active=d.active, created_by=actor.username, updated_by=actor.username)
        session.add(s)
        session.flush()
        audit.record(session, actor, "create", "staff", s.id, after=_staff_snapshot(s),
                     summary=f"新建员工 {s.name}（{s.work_id}）")
    else:
        s = session.get(Staff, staff_id)
        if s is None:
            raise NotFoundError("找不到该员工")
        before = _staff_snapshot(s)
        s.name, s.work_id, s.department_id, s.active = d.name, d.work_id, d.department_id, d.active
        s.phone = d.phone
        session.flush()
        session.refresh(s)
        b, a = audit.diff(before, _staff_snapshot(s))
        if a:
            s.updated_by = actor.username
            audit.record(session, actor, "update", "staff", s.id, before=b, after=a,
                         summary=f"修改员工 {s.name}（{s.work_id}）")
    return _staff_row(s, actor.can(Perm.REVEAL_PHONE))


def find_active_staff_by_work_id(session: Session, work_id: str) -> StaffRow | None:
    s = session.scalar(select(Staff).where(Staff.work_id == normalize_text(work_id).upper(),
                                           Staff.active.is_(True)))
    return _staff_row(s, False) if s else None


def _party_problems(d: PartyData, what: str) -> dict[str, str]:
    e: dict[str, str] = {}
    if not normalize_text(d.name):
        e["name"] = f"请填写{what}名称"
    if p := phone_problem(d.phone):
        e["phone"] = p
    return e


def _save_party(session: Session, actor: Actor, model: type, entity: str, what: str,
                data: PartyData, party_id: int | None) -> PartyRow:
    require(actor, Perm.EDIT_STAFF)
    existing = session.get(model, party_id) if party_id is not None else None
    if existing is not None:
        data = replace(data, phone=unmask(data.phone, existing.phone))
    if errors := _party_problems(data, what):
        raise ValidationError(errors=errors)
    name_col = model.company if model is Contractor else model.name
    name = normalize_text(data.name)
    clash = session.scalar(select(model.id).where(name_col == name))
    if clash and clash != party_id:
        raise ConflictError(f"{what}“{name}”已存在", field="name")
    values = {"contact": normalize_text(data.contact), "phone": canonical_phone(data.phone)}
    if model is Contractor:
        values["company"] = name
        values["active"] = data.active
    else:
        values["name"] = name
    if party_id is None:
        obj = model(**values, created_by=actor.username, updated_by=actor.username)
        session.add(obj)
        session.flush()
        audit.record(session, actor, "create", entity, obj.id,
                     after={**values, "phone": mask_phone(values["phone"])}, summary=f"新建{what} {name}")
    else:
        obj = session.get(model, party_id)
        if obj is None:
            raise NotFoundError(f"找不到该{what}")
        before = {k: getattr(obj, k) for k in values}
        for k, v in values.items():
            setattr(obj, k, v)
        b, a = audit.diff(before, values)
        if a:
            obj.updated_by = actor.username
            for side in (b, a):
                if "phone" in side:
                    side["phone"] = mask_phone(str(side["phone"]))
            audit.record(session, actor, "update", entity, obj.id, before=b, after=a,
                         summary=f"修改{what} {name}")
    return _party_row(obj, actor.can(Perm.REVEAL_PHONE))


def _party_row(obj: Contractor | Developer, reveal: bool) -> PartyRow:
    name = obj.company if isinstance(obj, Contractor) else obj.name
    active = obj.active if isinstance(obj, Contractor) else True
    return PartyRow(obj.id, name, obj.contact, obj.phone if reveal else mask_phone(obj.phone), active)


def save_contractor(session: Session, actor: Actor, data: PartyData,
                    contractor_id: int | None = None) -> PartyRow:
    return _save_party(session, actor, Contractor, "contractor", "施工单位", data, contractor_id)


def save_developer(session: Session, actor: Actor, data: PartyData,
                   developer_id: int | None = None) -> PartyRow:
    return _save_party(session, actor, Developer, "developer", "开发商", data, developer_id)


def list_contractors(session: Session, actor: Actor, include_inactive: bool = False,
                     reveal: bool = False) -> list[PartyRow]:
    stmt = select(Contractor).order_by(Contractor.company)
    if not include_inactive:
        stmt = stmt.where(Contractor.active.is_(True))
    show = reveal and actor.can(Perm.REVEAL_PHONE)
    return [_party_row(c, show) for c in session.scalars(stmt)]


def list_developers(session: Session, actor: Actor, reveal: bool = False) -> list[PartyRow]:
    show = reveal and actor.can(Perm.REVEAL_PHONE)
    return [_party_row(d, show) for d in session.scalars(select(Developer).order_by(Developer.name))]
