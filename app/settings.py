"""Community settings (小区/项目) and program settings kept in the database."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.errors import ValidationError
from app.roles import Actor, Perm, require
from app.validation import normalize_text, phone_problem
from db.models import Setting

LANGUAGES = {"zh_CN": "简体中文", "en": "English"}


@dataclass(frozen=True)
class CommunitySettings:
    community_name: str = ""
    company_name: str = ""
    address: str = ""
    phone: str = ""
    idle_lock_minutes: int = 15
    language: str = "zh_CN"

    @property
    def greeting(self) -> str:
        company = self.company_name or "XX物业"
        return f"您好！{company}，请问有什么可以帮到您的？"


def get_settings(session: Session) -> CommunitySettings:
    stored = {s.key: s.value for s in session.scalars(select(Setting))}
    values: dict[str, object] = {}
    for f in fields(CommunitySettings):
        if f.name in stored:
            values[f.name] = int(stored[f.name]) if f.type in ("int", int) else stored[f.name]
    return CommunitySettings(**values)  # type: ignore[arg-type]


def settings_problems(s: CommunitySettings) -> dict[str, str]:
    errors = {}
    if not s.community_name.strip():
        errors["community_name"] = "请填写小区名称"
    if not s.company_name.strip():
        errors["company_name"] = "请填写物业公司名称（用于接听电话的问候语）"
    if p := phone_problem(s.phone):
        errors["phone"] = p
    if not 1 <= s.idle_lock_minutes <= 240:
        errors["idle_lock_minutes"] = "锁屏时间应在 1 到 240 分钟之间"
    if s.language not in LANGUAGES:
        errors["language"] = "不支持的语言"
    return errors


def save_settings(session: Session, actor: Actor, new: CommunitySettings) -> CommunitySettings:
    require(actor, Perm.EDIT_SETTINGS)
    new = replace(new, community_name=normalize_text(new.community_name),
                  company_name=normalize_text(new.company_name), address=normalize_text(new.address),
                  phone=normalize_text(new.phone))
    if errors := settings_problems(new):
        raise ValidationError(errors=errors)
    old = get_settings(session)
    before, after = audit.diff(asdict(old), asdict(new))
    if not after:
        return old
    for key, value in after.items():
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=str(value)))
        else:
            row.value = str(value)
    audit.record(session, actor, "update", "settings", "community", before=before, after=after,
                 summary="修改小区设置")
    return new


def set_value(session: Session, key: str, value: str) -> None:
    """Program bookkeeping (not business data, so not audited): e.g. last backup time."""
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def get_value(session: Session, key: str, default: str = "") -> str:
    row = session.get(Setting, key)
    return row.value if row is not None else default


# ---------------------------------------------------------------- named lists (categories …)


def get_list(session: Session, key: str, default: list[str]) -> list[str]:
    """A list of names kept as JSON under `key` (e.g. the complaint or repair categories)."""
    raw = get_value(session, key)
    if raw:
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return value
    return list(default)


def list_problems(items: list[str], field: str, what: str) -> dict[str, str]:
    """What is wrong with a list of names typed one per line, in the clerk's words (`what`: 投诉类别)."""
    cleaned = [normalize_text(c) for c in items]
    if not [c for c in cleaned if c]:
        return {field: f"至少需要一个{what}"}
    if any(not c for c in cleaned):
        return {field: f"{what}不能为空"}
    if any(len(c) > 32 for c in cleaned):
        return {field: f"{what}名称不能超过32个字"}
    dupes = sorted({c for c in cleaned if cleaned.count(c) > 1})
    if dupes:
        return {field: f"{what}重复：{'、'.join(dupes)}"}
    return {}


def save_list(session: Session, actor: Actor, key: str, items: list[str], default: list[str], field: str,
              what: str) -> list[str]:
    """Save a list of names (settings permission; audited when it changed)."""
    require(actor, Perm.EDIT_SETTINGS)
    if errors := list_problems(items, field, what):
        raise ValidationError(errors=errors)
    new = [normalize_text(c) for c in items]
    old = get_list(session, key, default)
    if new != old:
        set_value(session, key, json.dumps(new, ensure_ascii=False))
        audit.record(session, actor, "update", "settings", key, before={"categories": old},
                     after={"categories": new}, summary=f"修改{what}")
    return new
