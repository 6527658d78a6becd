"""Pure validators and cleaners for IDs, phones, room codes; masking of personal data."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
MOBILE_RE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
LANDLINE_RE = re.compile(r"^(0\d{2,3})-?(\d{7,8})(?:-(\d{1,6}))?$")
ROOM_CODE_RE = re.compile(r"^([0-9A-Za-z]{1,6})-([0-9A-Za-z]{1,4})-([0-9A-Za-z]{1,6})$")
COMMON_AREA_CODE_RE = re.compile(r"^(?:[0-9A-Za-z]{1,6}-)?公共-[\w\u4e00-\u9fff]{1,20}$")


def normalize_text(value: object) -> str:
    """Full-width to half-width (NFKC), strip, fold inner runs of white space."""
    if value is None:
        return ""
    s = unicodedata.normalize("NFKC", str(value))
    s = s.replace("\u3000", " ")
    return re.sub(r"\s+", " ", s).strip()


def id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def resident_id_problem(value: str) -> str | None:
    """None when `value` is a valid 18-digit resident ID (GB 11643), else a reason in Chinese."""
    v = value.strip().upper()
    if len(v) != 18:
        return "身份证号码应为18位"
    if not (v[:17].isdigit() and (v[17].isdigit() or v[17] == "X")):
        return "身份证号码前17位应为数字，末位为数字或X"
    try:
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return "身份证号码中的出生日期无效"
    if born.year < 1900 or born > date.today():
        return "身份证号码中的出生日期无效"
    if id_check_char(v[:17]) != v[17]:
        return "身份证号码校验位不正确"
    return None


def is_valid_resident_id(value: str) -> bool:
    return resident_id_problem(value) is None


def clean_phone(value: object) -> str:
    """Normalize a phone as typed or as Excel stored it (13800138000.0); never drops digits."""
    s = normalize_text(value)
    if re.fullmatch(r"\d+\.0+", s):
        s = s.split(".")[0]
    s = re.sub(r"[\s()（）]", "", s)
    return s


def phone_problem(value: str) -> str | None:
    """None for a mainland mobile or a landline (area code, optional extension)."""
    v = clean_phone(value)
    if not v:
        return None
    if MOBILE_RE.match(v.replace("-", "")):
        return None
    if LANDLINE_RE.match(v):
        return None
    return "电话号码格式不正确（手机11位，座机如 010-12345678）"


def canonical_phone(value: str) -> str:
    v = clean_phone(value)
    m = MOBILE_RE.match(v.replace("-", ""))
    if m:
        return m.group(1)
    return v


def clean_room_code(value: object) -> str:
    s = normalize_text(value).replace(" ", "")
    # A Chinese IME types "——" for a dash; text pasted from Word brings U+2010 or U+2212.
    s = re.sub(r"[-—–_/－‐‑‒−]+", "-", s)
    return s.upper()


def room_code_problem(value: str) -> str | None:
    v = clean_room_code(value)
    if not v:
        return "请填写房号"
    if ROOM_CODE_RE.match(v) or COMMON_AREA_CODE_RE.match(v):
        return None
    return "房号格式应为 楼栋-单元-房号，如 3-2-1201"


def split_room_code(value: str) -> tuple[str, str, str]:
    m = ROOM_CODE_RE.match(clean_room_code(value))
    if not m:
        raise ValueError(value)
    return m.group(1), m.group(2), m.group(3)


def floor_from_number(number: str) -> int | None:
    digits = re.match(r"^(\d+)", number)
    if not digits or len(digits.group(1)) < 3:
        return None
    return int(digits.group(1)[:-2])


def mask_id(value: str) -> str:
    """110***********002X: the first three and last four stay."""
    v = value or ""
    if len(v) <= 7:
        return "*" * len(v)
    return v[:3] + "*" * (len(v) - 7) + v[-4:]


def mask_phone(value: str) -> str:
    """138****8000 for mobiles; landlines keep the area code and the last four."""
    v = value or ""
    digits = v.replace("-", "")
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[-4:]
    if len(v) <= 4:
        return v
    return v[: max(len(v) - 8, 0)] + "*" * (min(len(v), 8) - 4) + v[-4:]


def is_masked(value: str) -> bool:
    """A value shown masked on a form and sent back unchanged ("138****8000")."""
    return "*" in (value or "")


def unmask(new: str, stored: str) -> str:
    """What a form field means: a masked value stands for the stored one."""
    return stored if is_masked(new) else new
