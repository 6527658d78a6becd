"""Deterministic, realistic demo data: one community with buildings, households, staff and partners."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app import audit, auth
from app.database import ensure_reference_data
from app.errors import ConflictError, ValidationError
from app.roles import SYSTEM, Actor, Role
from app.rooms import IdType, Occupancy, Relation, RoomKind
from app.validation import id_check_char
from db.models import (
    Building,
    Contractor,
    Department,
    Developer,
    Occupant,
    Person,
    Room,
    Setting,
    Staff,
    User,
)

# Fixed, so the same seed gives the same community whatever day it is generated on.
ANCHOR = date(2026, 11, 1)
DEMO_ACTOR = "demo"
MAX_HOUSEHOLDS = 20_000
MAX_MONTHS = 120

COMMUNITY = {
    "community_name": "中天雅苑",
    "company_name": "中天物业服务有限公司",
    "address": "浙江省杭州市西湖区文一西路 2026 号",
    "phone": "0571-88261234",
}

# username, password, role, display name (the README lists these).
DEMO_USERS: tuple[tuple[str, str, Role, str], ...] = (
    ("admin", "admin1234", Role.ADMIN, "管理员"),
    ("zhang", "zhang1234", Role.SUPERVISOR, "张主管"),
    ("li", "li123456", Role.ASSISTANT, "李助理"),
    ("wang", "wang1234", Role.CASHIER, "王收费"),
)

# ------------------------------------------------------------------ name material

SURNAMES = (
    "王" * 20 + "李" * 20 + "张" * 18 + "刘" * 14 + "陈" * 12 + "杨" * 8 + "黄" * 6 + "赵" * 6
    + "吴" * 5 + "周" * 5 + "徐" * 4 + "孙" * 4 + "马" * 3 + "朱" * 3 + "胡" * 3 + "郭" * 3
    + "何" * 3 + "高" * 3 + "林" * 3 + "罗" * 3 + "郑" * 2 + "梁" * 2 + "谢" * 2 + "宋" * 2
    + "唐" * 2 + "许" * 2 + "韩" * 2 + "冯" * 2 + "邓" * 2 + "曹" * 2 + "彭" * 2 + "曾" * 2
    + "肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹"
    "薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛")
MALE_GIVEN = (
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞",
    "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁", "龙", "林", "阳", "建华", "建国",
    "志强", "志明", "国强", "海涛", "晓东", "文博", "永刚", "建军", "立新", "卫东", "振华", "国平",
    "德明", "文军", "红军", "家豪", "子豪", "俊峰", "明辉", "思远", "嘉伟", "晨阳", "宏伟",
)
FEMALE_GIVEN = (
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "玲", "丹", "萍", "红", "燕", "婷", "雪",
    "琳", "晶", "颖", "倩", "慧", "佳", "秀英", "桂英", "秀兰", "玉兰", "桂芳", "丽华", "美玲",
    "晓燕", "海燕", "春梅", "雪梅", "丽娟", "婷婷", "晓丽", "静怡", "佳琪", "思琪", "雅婷",
    "欣然", "梦瑶", "文静", "慧敏", "雨婷", "晓雯",
)
CHILD_MALE_GIVEN = ("子轩", "浩宇", "宇轩", "沐宸", "浩然", "一诺", "梓睿", "俊熙", "奕辰", "博文",
                    "铭泽", "皓轩", "子墨", "宇航", "睿哲")
CHILD_FEMALE_GIVEN = ("梓涵", "欣怡", "雨桐", "若汐", "梓萱", "诗涵", "语桐", "一诺", "可馨", "思彤",
                      "艺涵", "依诺", "芷若", "梦琪", "佳怡")

# Area codes of the resident ID (6 digits, county level): mostly local (杭州), the rest from
# across the country, as in a real roster.
LOCAL_AREA_CODES = ("330106", "330105", "330102", "330108", "330109", "330110", "330122", "330183")
OTHER_AREA_CODES = (
    "110105", "110108", "310115", "310104", "320102", "320506", "330203", "330302", "330402",
    "330502", "330602", "330702", "331002", "340104", "350203", "360103", "370102", "410105",
    "420111", "430104", "440106", "440305", "450103", "500103", "510107", "520102", "530102",
    "610113", "620102", "130104", "140105", "210102", "230103", "120101", "650102", "150102",
)
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
                   "152", "153", "155", "156", "157", "158", "159", "166", "173", "175", "176",
                   "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "191",
                   "198", "199")

# name, nationality, passport number pattern (L letter, D digit).
FOREIGNERS = (
    ("James Wilson", "美国", "DDDDDDDDD"), ("Emily Johnson", "美国", "DDDDDDDDD"),
    ("Oliver Smith", "英国", "DDDDDDDDD"), ("Charlotte Brown", "英国", "DDDDDDDDD"),
    ("Lukas Müller", "德国", "CLDDDDDDD"), ("Sophie Martin", "法国", "DDLLDDDDD"),
    ("佐藤 健太", "日本", "TLDDDDDDD"), ("鈴木 美咲", "日本", "TLDDDDDDD"),
    ("金敏俊", "韩国", "MDDDDDDDD"), ("朴智妍", "韩国", "MDDDDDDDD"),
    ("Nguyen Van Minh", "越南", "CDDDDDDD"), ("Aarav Sharma", "印度", "LDDDDDDD"),
    ("Daniel Kowalski", "波兰", "LLDDDDDDD"), ("Mia Anderson", "澳大利亚", "PLDDDDDDD"),
)

STAFF_PLAN = (  # department code, work-ID prefix, minimum head count, households per head
    ("service", "KF", 5, 150),
    ("engineering", "GC", 6, 120),
    ("security", "ZX", 10, 60),
    ("cleaning", "BJ", 6, 100),
    ("sales", "XS", 3, 600),
    ("finance", "CW", 2, 800),
)

CONTRACTORS = (
    "杭州华誉装饰工程有限公司",
    "杭州安达电梯维保有限公司",
    "浙江绿源园林绿化工程有限公司",
    "杭州恒信消防工程有限公司",
    "杭州佳园水电安装有限公司",
    "杭州明洁保洁服务有限公司",
    "浙江鼎盛防水工程有限公司",
)
DEVELOPER = "杭州中天雅苑置业有限公司"

COMMON_AREAS = (  # code, name, floor
    ("公共-配电室", "配电室", -1),
    ("公共-水泵房", "水泵房", -1),
    ("公共-地下车库", "地下车库", -1),
    ("公共-消防控制室", "消防控制室", 1),
    ("公共-监控中心", "监控中心", 1),
    ("公共-会所", "会所", 1),
    ("公共-垃圾房", "垃圾房", 1),
)

# Building shapes: floors, units, households per unit per floor. Areas per stack position.
SHAPES = ((6, 3, 2), (11, 2, 2), (18, 2, 2), (18, 2, 3), (26, 2, 2), (33, 2, 4))
STACK_AREAS = (Decimal("89.56"), Decimal("128.32"), Decimal("143.87"), Decimal("98.15"),
               Decimal("116.40"), Decimal("64.72"), Decimal("176.25"), Decimal("105.08"))


# ------------------------------------------------------------------ helpers


def _add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    y = d.year + m // 12
    m = m % 12 + 1
    return date(y, m, min(d.day, 28))


def _stamp(d: date, hour: int = 9) -> datetime:
    return datetime.combine(d, time(hour, 0), tzinfo=UTC)


@dataclass
class _Gen:
    rng: random.Random
    start: date  # first handover day
    end: date  # last day before the anchor
    used_ids: set[str] = field(default_factory=set)
    used_phones: set[str] = field(default_factory=set)

    def day_between(self, a: date, b: date) -> date:
        return a + timedelta(days=self.rng.randrange(max(1, (b - a).days + 1)))

    def surname(self) -> str:
        if self.rng.random() < 0.01:
            return self.rng.choice(COMPOUND_SURNAMES)
        return self.rng.choice(SURNAMES)

    def name(self, male: bool, child: bool = False, surname: str | None = None) -> str:
        if child:
            pool = CHILD_MALE_GIVEN if male else CHILD_FEMALE_GIVEN
        else:
            pool = MALE_GIVEN if male else FEMALE_GIVEN
        return (surname or self.surname()) + self.rng.choice(pool)

    def birth(self, age: int) -> date:
        born = _add_months(ANCHOR, -12 * age)
        return born - timedelta(days=self.rng.randrange(365))

    def resident_id(self, born: date, male: bool) -> str:
        while True:
            area = self.rng.choice(LOCAL_AREA_CODES if self.rng.random() < 0.55 else OTHER_AREA_CODES)
            seq = self.rng.randrange(0, 100)
            sex = self.rng.choice("13579" if male else "02468")
            first17 = f"{area}{born:%Y%m%d}{seq:02d}{sex}"
            idn = first17 + id_check_char(first17)
            if idn not in self.used_ids:
                self.used_ids.add(idn)
                return idn

    def mobile(self) -> str:
        while True:
            p = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if p not in self.used_phones:
                self.used_phones.add(p)
                return p

    def landline(self) -> str:
        return f"0571-8{self.rng.randrange(10**6, 10**7):07d}"

    def passport(self, pattern: str) -> str:
        while True:
            letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
            s = "".join(self.rng.choice(letters) if c == "L" else str(self.rng.randrange(10)) if c == "D"
                        else c for c in pattern)
            if s not in self.used_ids:
                self.used_ids.add(s)
                return s


@dataclass
class _Member:
    name: str
    relation: Relation
    phone: str = ""
    phone2: str = ""
    id_type: IdType = IdType.RESIDENT_ID
    id_number: str = ""
    foreigner: bool = False
    note: str = ""
    move_in: date | None = None


def _adult(g: _Gen, relation: Relation, male: bool, age: int, surname: str | None = None,
           move_in: date | None = None) -> _Member:
    born = g.birth(age)
    m = _Member(g.name(male, surname=surname), relation, phone=g.mobile(),
                id_number=g.resident_id(born, male), move_in=move_in)
    if relation == Relation.OWNER and g.rng.random() < 0.18:
        m.phone2 = g.landline() if g.rng.random() < 0.5 else g.mobile()
    return m


def _foreigner(g: _Gen, relation: Relation, move_in: date | None) -> _Member:
    name, country, pattern = g.rng.choice(FOREIGNERS)
    return _Member(name, relation, phone=g.mobile(), id_type=IdType.PASSPORT,
                   id_number=g.passport(pattern), foreigner=True,
                   note=f"国籍：{country}；已填写境外人员临时住宿登记表", move_in=move_in)


def _surname_of(name: str) -> str:
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[0]


def _household(g: _Gen, occupancy: Occupancy, handover: date) -> list[_Member]:
    """The people tied to one home, owners first."""
    rng = g.rng
    if occupancy == Occupancy.VACANT_UNSOLD:
        return []  # still the developer's
    move_in = None if occupancy == Occupancy.VACANT_SOLD else g.day_between(handover, g.end)
    male = rng.random() < 0.55
    age = rng.randint(26, 72)
    if rng.random() < 0.006:
        owner = _foreigner(g, Relation.OWNER, move_in)
    else:
        owner = _adult(g, Relation.OWNER, male, age, move_in=move_in)
    members = [owner]
    if occupancy != Occupancy.OCCUPIED:
        if rng.random() < 0.4:  # a co-owner on the deed
            members.append(_adult(g, Relation.OWNER, not male, max(24, age + rng.randint(-5, 5))))
        return members
    if rng.random() < 0.16:  # let out: the owner lives elsewhere
        owner.move_in = None
        tenant_day = g.day_between(move_in or handover, g.end)
        if rng.random() < 0.07:
            members.append(_foreigner(g, Relation.TENANT, tenant_day))
        else:
            members.append(_adult(g, Relation.TENANT, rng.random() < 0.5, rng.randint(22, 45),
                                  move_in=tenant_day))
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            members.append(_adult(g, Relation.TENANT, rng.random() < 0.5, rng.randint(22, 45),
                                  move_in=tenant_day))
        return members
    if not owner.foreigner and rng.random() < 0.7:  # spouse
        spouse_rel = Relation.OWNER if rng.random() < 0.5 else Relation.RESIDENT
        spouse = _adult(g, spouse_rel, not male, max(23, age + rng.randint(-5, 5)), move_in=move_in)
        members.append(spouse)
        surname = _surname_of(owner.name if male else spouse.name)  # children take the father's
        for _ in range(rng.choice((0, 1, 1, 1, 2, 2))):
            # At least a year old: a birth date never lies ahead of the clock of the PC.
            child_age = rng.randint(1, max(1, min(30, age - 23)))
            child_male = rng.random() < 0.52
            born = g.birth(child_age)
            child = _Member(g.name(child_male, child=child_age < 18, surname=surname),
                            Relation.RESIDENT, id_number=g.resident_id(born, child_male),
                            move_in=move_in)
            if child_age >= 16:
                child.phone = g.mobile()
            members.append(child)
        if age < 50 and rng.random() < 0.2:  # a grandparent helping out
            members.append(_adult(g, Relation.RESIDENT, rng.random() < 0.4, rng.randint(62, 82),
                                  move_in=move_in))
    return members


def _occupancy(rng: random.Random) -> Occupancy:
    x = rng.random()
    if x < 0.04:
        return Occupancy.VACANT_UNSOLD
    if x < 0.11:
        return Occupancy.VACANT_SOLD
    if x < 0.16:
        return Occupancy.VACANT_UNDECORATED
    return Occupancy.OCCUPIED


def _plan_buildings(rng: random.Random, households: int) -> list[tuple[int, int, int, int]]:
    """(building number, floors, units, per floor) until the households are covered exactly."""
    plan = []
    left, n = households, 0
    while left > 0:
        n += 1
        floors, units, per = rng.choice(SHAPES)
        per_floor = units * per
        floors = min(floors, -(-left // per_floor))  # the last building is only as tall as needed
        plan.append((n, floors, units, per))
        left -= floors * per_floor
    return plan


def _check_args(households: int, months: int) -> None:
    errors = {}
    if not 1 <= households <= MAX_HOUSEHOLDS:
        errors["households"] = f"户数应在 1 到 {MAX_HOUSEHOLDS} 之间"
    if not 1 <= months <= MAX_MONTHS:
        errors["months"] = f"月数应在 1 到 {MAX_MONTHS} 之间"
    if errors:
        raise ValidationError(errors=errors)


def _insert_returning_ids(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(session.scalars(stmt, rows))


# ------------------------------------------------------------------ the generator


def generate(session: Session, households: int = 600, months: int = 12, seed: int = 2026) -> str:
    """Fill an empty database with one realistic community; return a one-line summary.

    Deterministic: the same seed, household count and months give the same rooms and people.
    One audit entry (by "demo") records the generation.
    """
    _check_args(households, months)
    if session.scalar(select(func.count()).select_from(Room)):
        raise ConflictError("数据库中已有房屋资料，演示数据只能生成到空数据库中（请换一个数据目录）")
    ensure_reference_data(session)
    session.flush()

    rng = random.Random(seed)
    start = _add_months(ANCHOR, -months)
    g = _Gen(rng=rng, start=start, end=ANCHOR - timedelta(days=1))
    created = _stamp(start - timedelta(days=30))

    def tracked(at: datetime) -> dict[str, Any]:
        return {"created_at": at, "created_by": DEMO_ACTOR, "updated_at": at, "updated_by": DEMO_ACTOR}

    settings_written = _write_settings(session)

    # Buildings: residential blocks, the shop street, and the community's common block.
    plan = _plan_buildings(rng, households)
    building_rows = [{"code": str(n), "name": f"{n}号楼"} for n, *_ in plan]
    building_rows += [{"code": "S", "name": "沿街商铺"}, {"code": "公共", "name": "公共"}]
    bids = dict(zip([b["code"] for b in building_rows],
                    _insert_returning_ids(session, Building, building_rows), strict=True))

    room_rows: list[dict[str, Any]] = []
    room_people: list[list[_Member]] = []
    left = households
    counts = {o: 0 for o in Occupancy}
    for n, floors, units, per in plan:
        stacks = rng.sample(STACK_AREAS, per)
        # Handover went building by building across the months.
        handover = g.day_between(start, min(g.end, _add_months(start, max(1, months // 3))))
        for unit in range(1, units + 1):
            for floor in range(1, floors + 1):
                for pos in range(1, per + 1):
                    if left <= 0:
                        break
                    left -= 1
                    occ = _occupancy(rng)
                    counts[occ] += 1
                    number = f"{floor}{pos:02d}"
                    area = stacks[pos - 1] + Decimal(rng.randrange(-40, 41)) / 100
                    room_rows.append({
                        "code": f"{n}-{unit}-{number}", "building_id": bids[str(n)],
                        "unit": str(unit), "number": number, "floor": floor,
                        "area": area, "kind": str(RoomKind.RESIDENCE), "occupancy": str(occ),
                        "name": "", "note": "", "active": True, **tracked(_stamp(handover)),
                    })
                    room_people.append(_household(g, occ, handover))

    shops = min(24, max(3, households // 100 + 2))
    for i in range(1, shops + 1):
        occ = Occupancy.OCCUPIED if rng.random() < 0.8 else Occupancy.VACANT_UNSOLD
        number = f"1{i:02d}"
        room_rows.append({
            "code": f"S-1-{number}", "building_id": bids["S"], "unit": "1", "number": number,
            "floor": 1, "area": Decimal(rng.randrange(4500, 16000)) / 100,
            "kind": str(RoomKind.SHOP), "occupancy": str(occ), "name": "", "note": "",
            "active": True, **tracked(created),
        })
        people: list[_Member] = []
        if occ == Occupancy.OCCUPIED:
            day = g.day_between(start, g.end)
            people.append(_adult(g, Relation.OWNER, rng.random() < 0.6, rng.randint(30, 65)))
            if rng.random() < 0.7:
                people.append(_adult(g, Relation.TENANT, rng.random() < 0.6, rng.randint(25, 55),
                                     move_in=day))
        room_people.append(people)

    common = list(COMMON_AREAS)
    for n, floors, _units, _per in plan:
        if floors > 6:  # lifts above six floors
            common.append((f"{n}-公共-电梯机房", "电梯机房", floors + 1))
    for code, name, floor in common:
        bcode = code.split("-")[0] if code.count("-") >= 2 else "公共"
        room_rows.append({
            "code": code, "building_id": bids[bcode], "unit": "", "number": name, "floor": floor,
            "area": None, "kind": str(RoomKind.COMMON), "occupancy": str(Occupancy.NOT_APPLICABLE),
            "name": name, "note": "", "active": True, **tracked(created),
        })
        room_people.append([])

    room_ids = _insert_returning_ids(session, Room, room_rows)

    # People, then their ties to rooms.
    person_rows: list[dict[str, Any]] = []
    links: list[tuple[int, int, _Member]] = []  # room id, index in person_rows, member
    for rid, members in zip(room_ids, room_people, strict=True):
        for m in members:
            at = _stamp(m.move_in or g.day_between(start, g.end))
            links.append((rid, len(person_rows), m))
            person_rows.append({
                "name": m.name, "phone": m.phone, "phone2": m.phone2, "id_type": str(m.id_type),
                "id_number": m.id_number, "foreigner": m.foreigner, "note": m.note, "active": True,
                **tracked(at),
            })
    person_ids = _insert_returning_ids(session, Person, person_rows)
    occupant_rows = [{
        "room_id": rid, "person_id": person_ids[i], "relation": str(m.relation),
        "move_in_date": m.move_in, "active": True,
        **tracked(person_rows[i]["created_at"]),
    } for rid, i, m in links]
    session.execute(insert(Occupant), occupant_rows)

    staff_count = _staff(session, g, households, tracked(created))
    contractor_count = _partners(session, g, tracked(created))
    residence_ids = [rid for rid, code in session.execute(
        select(Room.id, Room.code).where(Room.kind == str(RoomKind.RESIDENCE)).order_by(Room.id))]
    history = _procedures(session, random.Random(seed + 1), months, residence_ids)

    residences = households
    vacant = residences - counts[Occupancy.OCCUPIED]
    foreigners = sum(1 for p in person_rows if p["foreigner"])
    tenants = sum(1 for _, _, m in links if m.relation == Relation.TENANT)
    summary = (
        f"已生成演示数据：{COMMUNITY['community_name']}，{len(plan)} 栋楼，{residences} 户住宅"
        f"（已入住 {counts[Occupancy.OCCUPIED]} 户，空置 {vacant} 户），{shops} 间商铺，"
        f"{len(common)} 处公共区域，{len(person_rows)} 位业主与住户（租户 {tenants} 人，"
        f"外籍 {foreigners} 人），{staff_count} 名员工，{contractor_count} 家施工单位，1 家开发商"
        f"（随机种子 {seed}，入住时间跨 {months} 个月）"
        + "".join(f"；{label} {n} 条" for label, n in history.items())
    )
    audit.record(session, DEMO_ACTOR, "demo", "database", "", summary=summary, after={
        "seed": seed, "households": households, "months": months, "anchor": ANCHOR,
        "buildings": len(plan), "shops": shops, "common_areas": len(common),
        "persons": len(person_rows), "occupants": len(occupant_rows), "staff": staff_count,
        "contractors": contractor_count, "developers": 1, "settings": settings_written,
        "occupancy": {str(k): v for k, v in counts.items() if k != Occupancy.NOT_APPLICABLE},
    })
    return summary


def _procedures(session: Session, rng: random.Random, months: int, room_ids: list[int]) -> dict[str, int]:
    """The procedures' own history (each module generates its records in bulk)."""
    from app.demo_callbacks import generate_callbacks
    from app.demo_calls import generate_calls
    from app.demo_complaints import generate_complaints
    from app.demo_keys import generate_keys
    from app.demo_repairs import generate_repairs

    clerks = [u[0] for u in DEMO_USERS if u[2] in (Role.ASSISTANT, Role.SUPERVISOR)]
    staff_ids = list(session.scalars(select(Staff.id).order_by(Staff.id)))
    return {"来电来访": generate_calls(session, rng, ANCHOR, months, room_ids, clerks),
            "投诉": generate_complaints(session, rng, ANCHOR, months, room_ids, staff_ids),
            "回访": generate_callbacks(session, rng, ANCHOR, months, room_ids),
            "报修": generate_repairs(session, rng, ANCHOR, months, room_ids, clerks),
            "钥匙借领": generate_keys(session, rng, ANCHOR, months, room_ids, clerks)}


def _write_settings(session: Session) -> list[str]:
    """Fill in the community settings that are still empty; a user's own values stay."""
    stored = {s.key: s for s in session.scalars(select(Setting))}
    written = []
    for key, value in COMMUNITY.items():
        row = stored.get(key)
        if row is None:
            session.add(Setting(key=key, value=value))
        elif not row.value.strip():
            row.value = value
        else:
            continue
        written.append(key)
    session.flush()
    return written


def _staff(session: Session, g: _Gen, households: int, tracked: dict[str, Any]) -> int:
    dept_ids = {c: i for c, i in session.execute(select(Department.code, Department.id))}
    taken = set(session.scalars(select(Staff.work_id)))
    rows = []
    for code, prefix, minimum, per_head in STAFF_PLAN:
        for i in range(1, max(minimum, households // per_head) + 1):
            work_id = f"ZT-{prefix}{i:03d}"
            if work_id in taken:
                continue
            male = g.rng.random() < (0.75 if code in ("engineering", "security") else 0.35)
            rows.append({"name": g.name(male), "work_id": work_id, "department_id": dept_ids[code],
                         "phone": g.mobile(), "active": True, **tracked})
    if rows:
        session.execute(insert(Staff), rows)
    return len(rows)


def _partners(session: Session, g: _Gen, tracked: dict[str, Any]) -> int:
    have = set(session.scalars(select(Contractor.company)))
    rows = []
    for company in CONTRACTORS:
        if company in have:
            continue
        phone = g.mobile() if g.rng.random() < 0.7 else g.landline()
        rows.append({"company": company, "contact": g.name(g.rng.random() < 0.8), "phone": phone,
                     "active": True, **tracked})
    if rows:
        session.execute(insert(Contractor), rows)
    if not session.scalar(select(Developer.id).where(Developer.name == DEVELOPER)):
        session.execute(insert(Developer), [{"name": DEVELOPER, "contact": g.name(False),
                                             "phone": g.landline(), **tracked}])
    return len(rows)


# ------------------------------------------------------------------ demo sign-ins


def ensure_demo_users(session: Session) -> list[str]:
    """Create the demo users that are missing (see DEMO_USERS); return the usernames created."""
    existing = {u.lower() for u in session.scalars(select(User.username))}
    created: list[str] = []
    name, password, _role, display = DEMO_USERS[0]
    if not existing:
        admin_actor = auth.create_first_admin(session, name, password, display).actor()
        created.append(name)
    else:
        u = session.scalar(select(User).where(User.role == str(Role.ADMIN), User.active.is_(True))
                           .order_by(User.id))
        admin_actor = SYSTEM if u is None else Actor(
            username=u.username, role=Role.ADMIN, user_id=u.id, display_name=u.display_name)
        if name not in existing:
            auth.create_user(session, admin_actor, name, password, Role.ADMIN, display)
            created.append(name)
    for name, password, role, display in DEMO_USERS[1:]:
        if name not in existing:
            auth.create_user(session, admin_actor, name, password, role, display)
            created.append(name)
    return created
