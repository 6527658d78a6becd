"""Property tests for the validators: resident IDs, phones, room codes, masking."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.validation import (
    ID_CHECK,
    canonical_phone,
    clean_room_code,
    id_check_char,
    mask_id,
    mask_phone,
    phone_problem,
    resident_id_problem,
    room_code_problem,
    split_room_code,
)

# No example database on disk (.hypothesis/): the properties are cheap, the seed is derandomised.
PROPS = settings(max_examples=300, database=None, deadline=None, derandomize=True)

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    area = draw(st.integers(110000, 659999))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)))
    seq = draw(st.integers(0, 999))
    first17 = f"{area:06d}{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


@st.composite
def mobiles(draw: st.DrawFn) -> str:
    return "1" + draw(st.sampled_from("3456789")) + "".join(draw(st.lists(digits, min_size=9, max_size=9)))


# ---------------------------------------------------------------- resident IDs (GB 11643)

def test_known_ids() -> None:
    assert resident_id_problem("11010519491231002X") is None
    assert resident_id_problem("11010519491231002x") is None  # typed in lower case
    assert resident_id_problem("110105194912310021") == "身份证号码校验位不正确"
    assert resident_id_problem("11010519491331002X") == "身份证号码中的出生日期无效"
    assert resident_id_problem("1101051949123100") == "身份证号码应为18位"


@PROPS
@given(resident_ids())
def test_valid_ids_are_accepted(idn: str) -> None:
    assert resident_id_problem(idn) is None
    assert resident_id_problem(idn.lower()) is None


@PROPS
@given(resident_ids(), st.integers(0, 17), st.data())
def test_changing_any_one_character_is_detected(idn: str, pos: int, data: st.DataObject) -> None:
    # MOD 11-2: every weight is non-zero mod 11, so any single substitution changes the sum.
    alphabet = ID_CHECK if pos == 17 else "0123456789"
    new = data.draw(st.sampled_from([c for c in alphabet if c != idn[pos]]))
    changed = idn[:pos] + new + idn[pos + 1:]
    assert resident_id_problem(changed) is not None


@PROPS
@given(resident_ids(), st.integers(0, 16))
def test_swapping_adjacent_digits_is_detected(idn: str, pos: int) -> None:
    assume(idn[pos] != idn[pos + 1] and pos + 1 < 17)
    swapped = idn[:pos] + idn[pos + 1] + idn[pos] + idn[pos + 2:]
    assert resident_id_problem(swapped) is not None


def test_birth_date_in_the_future_is_refused() -> None:
    first17 = "110105" + f"{date.today().year + 1}0101" + "123"
    assert resident_id_problem(first17 + id_check_char(first17)) == "身份证号码中的出生日期无效"


# ---------------------------------------------------------------- phones

@PROPS
@given(mobiles(), st.sampled_from(["", "86", "+86", "+86 ", "86-"]), st.booleans())
def test_mobiles_with_or_without_country_code(mobile: str, prefix: str, grouped: bool) -> None:
    body = f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}" if grouped else mobile
    typed = prefix + body
    assert phone_problem(typed) is None
    assert canonical_phone(typed) == mobile


@PROPS
@given(mobiles())
def test_mobile_that_came_back_from_excel_as_a_float(mobile: str) -> None:
    assert phone_problem(mobile + ".0") is None
    assert canonical_phone(mobile + ".0") == mobile
    # Scientific notation has lost digits: refuse it rather than guess.
    assert phone_problem(f"{float(mobile):.6E}") is not None


@PROPS
@given(st.sampled_from(["010", "021", "0571", "0755", "0898"]),
       st.text(alphabet="0123456789", min_size=7, max_size=8),
       st.one_of(st.just(""), st.text(alphabet="0123456789", min_size=1, max_size=6)))
def test_landlines_with_area_code_and_extension(area: str, number: str, ext: str) -> None:
    typed = f"{area}-{number}" + (f"-{ext}" if ext else "")
    assert phone_problem(typed) is None
    assert canonical_phone(typed) == typed
    assert phone_problem(f"（{area}）{number}") is None


@pytest.mark.parametrize("bad", ["12345", "12800138000", "1380013800", "138001380001", "abc",
                                 "+1 2025550123", "1.38e10"])
def test_bad_phones_are_refused(bad: str) -> None:
    assert phone_problem(bad) is not None


def test_empty_phone_is_allowed() -> None:
    assert phone_problem("") is None and phone_problem("   ") is None


# ---------------------------------------------------------------- room codes

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
DASHES = ["-", "－", "—", "–", "_", "/", "——", "‐", "−"]


@PROPS
@given(st.integers(1, 99), st.integers(1, 9), st.integers(1, 33), st.integers(1, 4),
       st.sampled_from(DASHES), st.sampled_from(DASHES), st.booleans(), st.sampled_from(["", " ", "\u3000"]))
def test_room_codes_as_clerks_type_them(building: int, unit: int, floor: int, pos: int, d1: str,
                                        d2: str, full_width: bool, pad: str) -> None:
    number = f"{floor}{pos:02d}"
    canonical = f"{building}-{unit}-{number}"
    typed = f"{building}{d1}{unit}{d2}{number}"
    if full_width:
        typed = typed.translate(FULL_WIDTH)
    typed = pad + typed + pad
    assert clean_room_code(typed) == canonical
    assert room_code_problem(typed) is None
    assert split_room_code(typed) == (str(building), str(unit), number)


def test_common_area_codes_and_bad_codes() -> None:
    assert room_code_problem("公共-配电室") is None
    assert room_code_problem("3－公共－电梯机房") is None
    assert clean_room_code("3－公共－电梯机房") == "3-公共-电梯机房"
    assert clean_room_code("a-b-c") == "A-B-C"
    for bad in ["", "12楼", "3-2", "3-2-1201-5", "三-二-1201"]:
        assert room_code_problem(bad) is not None, bad


# ---------------------------------------------------------------- masking

def test_masking_examples() -> None:
    assert mask_id("11010519491231002X") == "110***********002X"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("0571-88261234") == "0571-****1234"
    assert mask_phone("") == "" and mask_id("") == ""


@PROPS
@given(resident_ids())
def test_masked_id_keeps_three_and_four(idn: str) -> None:
    masked = mask_id(idn)
    assert masked == idn[:3] + "*" * 11 + idn[-4:]
    assert idn[3:14] not in masked


@PROPS
@given(mobiles())
def test_masked_mobile_hides_the_middle(mobile: str) -> None:
    masked = mask_phone(mobile)
    assert masked == mobile[:3] + "****" + mobile[-4:]


@PROPS
@given(st.sampled_from(["010", "0571", "0755"]), st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_masked_landline_keeps_area_code_and_last_four(area: str, number: str) -> None:
    phone = f"{area}-{number}"
    masked = mask_phone(phone)
    assert masked.startswith(area) and masked.endswith(number[-4:]) and "****" in masked
    assert number[:4] not in masked[len(area):-4]
