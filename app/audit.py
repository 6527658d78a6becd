"""Append-only, hash-chained audit log: who, when, what, before and after."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.roles import Actor, Perm, require
from db.models import AuditEntry, AuditHead
from db.types import utcnow

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def dumps(value: dict[str, Any] | None) -> str:
    if not value:
        return ""
    return json.dumps(_jsonable(value), ensure_ascii=False, sort_keys=True)


def _digest(prev: str, at: str, username: str, action: str, entity: str, entity_id: str,
            summary: str, before: str, after: str) -> str:
    h = hashlib.sha256()
    for part in (prev, at, username, action, entity, entity_id, summary, before, after):
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


def _head(session: Session) -> AuditHead:
    stmt = select(AuditHead).where(AuditHead.id == 1)
    if session.get_bind().dialect.name != "sqlite":
        stmt = stmt.with_for_update()  # serialize the chain on PostgreSQL
    head = session.scalars(stmt).first()
    if head is None:
        head = AuditHead(id=1, count=0, hash=GENESIS)
        session.add(head)
        session.flush()
    return head


def record(session: Session, actor: Actor | str, action: str, entity: str, entity_id: object = "",
           *, before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           summary: str = "") -> None:
    """Write one audit entry in the caller's transaction."""
    username = actor if isinstance(actor, str) else actor.username
    head = _head(session)
    at = utcnow().replace(microsecond=0)
    b, a = dumps(before), dumps(after)
    eid = "" if entity_id is None else str(entity_id)
    digest = _digest(head.hash, at.isoformat(), username, action, entity, eid, summary, b, a)
    session.add(AuditEntry(at=at, username=username, action=action, entity=entity, entity_id=eid,
                           summary=summary, before=b, after=a, prev_hash=head.hash, hash=digest))
    head.count += 1
    head.hash = digest
    session.flush()


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, on both sides."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str
    action: str
    entity: str
    entity_id: str
    summary: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditQuery:
    text: str = ""
    username: str = ""
    entity: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    offset: int = 0
    limit: int = 200


def list_entries(session: Session, actor: Actor, q: AuditQuery) -> list[AuditRow]:
    require(actor, Perm.VIEW_AUDIT)
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
    if q.username:
        stmt = stmt.where(AuditEntry.username == q.username)
    if q.entity:
        stmt = stmt.where(AuditEntry.entity == q.entity)
    if q.action:
        stmt = stmt.where(AuditEntry.action == q.action)
    if q.text:
        like = f"%{q.text}%"
        stmt = stmt.where(AuditEntry.summary.like(like) | AuditEntry.entity_id.like(like)
                          | AuditEntry.after.like(like) | AuditEntry.before.like(like))
    from app.timeutil import local_day_bounds

    if q.date_from:
        stmt = stmt.where(AuditEntry.at >= local_day_bounds(q.date_from)[0])
    if q.date_to:
        stmt = stmt.where(AuditEntry.at < local_day_bounds(q.date_to)[1])
    rows = session.scalars(stmt.offset(q.offset).limit(q.limit))
    return [AuditRow(r.id, r.at, r.username, r.action, r.entity, r.entity_id, r.summary, r.before,
                     r.after) for r in rows]


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    problem: str = ""


def verify_chain(session: Session) -> ChainReport:
    """Recompute every hash; compare the end with the head kept apart."""
    prev = GENESIS
    n = 0
    for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(2000):
        if e.prev_hash != prev:
            return ChainReport(False, n, f"审计记录 #{e.id} 的前序哈希不一致（记录被删除或篡改）")
        expect = _digest(prev, e.at.replace(microsecond=0).isoformat(), e.username, e.action,
                         e.entity, e.entity_id, e.summary, e.before, e.after)
        if expect != e.hash:
            return ChainReport(False, n, f"审计记录 #{e.id} 的内容与哈希不符（记录被篡改）")
        prev = e.hash
        n += 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.count != n or head.hash != prev):
        return ChainReport(False, n, f"审计日志条数或末尾哈希与记录不符（应为 {head.count} 条，实为 {n} 条）")
    return ChainReport(True, n)


def count_entries(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0
