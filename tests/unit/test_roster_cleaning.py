"""Roster cleaning: header detection, synonyms, and what is cleaned versus what is rejected."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest

from app import roster
from app.rooms import IdType, Relation, RoomKind
from app.roster import Field, clean_row, detect_mapping, find_header_row, match_header
from tests.fixtures_roster import ID_WANG, ID_ZHOU, make_id, write_rows

MAP = {Field.CODE: 0, Field.AREA: 1, Field.NAME: 2, Field.PHONE: 3, Field.ID_NUMBER: 4,
       Field.RELATION: 5, Field.MOVE_IN: 6, Field.KIND: 7, Field.PHONE2: 8, Field.ID_TYPE: 9,
       Field.NOTE: 10}


def row(code="3-2-1201", area=None, name="王芳", phone=None, idn=None, rel=None, move_in=None,
        kind=None, phone2=None, id_type=None, note=None) -> roster.CleanRow:
    return clean_row(7, (code, area, name, phone, idn, rel, move_in, kind, phone2, id_type, note), MAP)


# ---------------------------------------------------------------- headers

@pytest.mark.parametrize(("header", "field"), [
    ("房号", Field.CODE), ("房间号", Field.CODE), ("房屋编号", Field.CODE), (" 房 号 ", Field.CODE),
    ("*房号", Field.CODE), ("业主", Field.NAME), ("业主姓名", Field.NAME), ("姓名（必填）", Field.NAME),
    ("电话", Field.PHONE), ("手机", Field.PHONE), ("联系电话", Field.PHONE), ("业主联系电话", Field.PHONE),
    ("身份证", Field.ID_NUMBER), ("身份证号码", Field.ID_NUMBER), ("证件号码", Field.ID_NUMBER),
    ("面积", Field.AREA), ("建筑面积", Field.AREA), ("建筑面积（㎡）", Field.AREA), ("面积(m²)", Field.AREA),
    ("楼栋", Field.BUILDING), ("单元", Field.UNIT), ("室号", Field.NUMBER), ("备用电话", Field.PHONE2),
    ("联系电话2", Field.PHONE2), ("证件类型", Field.ID_TYPE), ("关系", Field.RELATION),
    ("入住日期", Field.MOVE_IN), ("备注", Field.NOTE), ("房屋类型", Field.KIND),
])
def test_headers_worded_differently_name_the_same_field(header, field):
    assert match_header(header) == field


@pytest.mark.parametrize("header", ["序号", "", None, "阳光花园小区2026年业主花名册", "紧急联系人电话", 12])
def test_titles_and_unknown_headers_name_no_field(header):
    assert match_header(header) is None


def test_a_second_phone_column_becomes_the_spare_phone_and_exact_names_win():
    m = detect_mapping(["序号", "房号", "业主姓名", "电话", "手机", "身份证号码", "业主身份证号码"])
    assert m == {Field.CODE: 1, Field.NAME: 2, Field.PHONE: 3, Field.PHONE2: 4, Field.ID_NUMBER: 5}


def test_the_header_is_the_row_naming_most_fields_below_titles():
    rows = [(1, ("阳光花园业主花名册", None, None)), (2, ("制表：物业前台", None, None)),
            (4, ("房号", "业主", "电话")), (5, ("1-1-101", "王芳", "13800138000"))]
    assert find_header_row(rows) == 4
    assert find_header_row([(1, ("物业费", "备忘")), (2, ("1-1-101", "王芳"))]) is None


def test_only_the_first_rows_are_searched_for_a_header():
    rows = [(n, ("说明",)) for n in range(1, 25)] + [(25, ("房号", "业主", "电话"))]
    assert find_header_row(rows) is None


# ---------------------------------------------------------------- cleaning without guessing

def test_full_width_digits_and_stray_spaces_are_cleaned():
    r = row(code=" ３-２-１２０１ ", name=" 王芳 ", phone="１３８ ００１３ ８０００", area="８９.５")
    assert not r.problems
    assert (r.code, r.name, r.phone, r.area) == ("3-2-1201", "王芳", "13800138000", Decimal("89.50"))


@pytest.mark.parametrize("phone", [13800138000, 13800138000.0, "13800138000.0", "138-0013-8000",
                                   "+86 138 0013 8000"])
def test_phones_stored_as_numbers_lose_only_the_dot_zero(phone):
    r = row(phone=phone)
    assert not r.problems and r.phone == "13800138000"


def test_two_numbers_in_one_phone_cell_fill_the_spare_phone():
    r = row(phone="13800138000/010-12345678")
    assert not r.problems and (r.phone, r.phone2) == ("13800138000", "010-12345678")
    assert row(phone="13800138000、13900139000", phone2="13700137000").problems == ["一行最多填写两个电话号码"]


@pytest.mark.parametrize("phone", [12345, "1380013800", 1380013800.5, "1.38001E+10"])
def test_a_phone_that_lost_digits_is_rejected(phone):
    assert any("电话号码格式不正确" in p for p in row(phone=phone).problems)


@pytest.mark.parametrize("damaged", [1.1010519491231e17, 110105194912310000, 1.1010519491231e17 + 0.0])
def test_an_id_that_arrived_as_a_number_is_rejected_never_repaired(damaged):
    r = row(idn=damaged)
    assert r.problems == ["证件号码在 Excel 中被存成了数字，后几位已经丢失，无法恢复。请把该列设为“文本”，按原件重新录入"]


@pytest.mark.parametrize("damaged", ["1.1010519491231E+17", "1.1010519491231e+17", "１.１０１０５１９４９１２３１Ｅ＋１７"])
def test_an_id_in_scientific_notation_is_rejected(damaged):
    [p] = row(idn=damaged).problems
    assert p.startswith("证件号码已被 Excel 变成科学计数法") and "无法恢复" in p


def test_an_id_whose_last_digits_turned_to_zero_gets_a_hint():
    [p] = row(idn="110105194912310000").problems
    assert p.startswith("身份证号码校验位不正确") and "可能已被 Excel 截断" in p


def test_a_valid_id_is_kept_as_text_with_an_upper_case_x():
    r = row(idn=" " + ID_WANG.lower() + " ")
    assert not r.problems and r.id_number == ID_WANG


def test_a_passport_is_checked_by_its_own_rule():
    assert not row(idn="E12345678", id_type="护照").problems
    assert row(idn="E12345678").problems == ["身份证号码应为18位"]
    assert row(idn="E1", id_type="护照").problems == ["证件号码长度应为 5 到 32 位"]


@pytest.mark.parametrize(("cells", "code"), [
    (("3", "2", "1201"), "3-2-1201"), (("3栋", "2单元", "1201室"), "3-2-1201"),
    (("3号楼", "２", 1201), "3-2-1201"), ((3.0, 2.0, 1201.0), "3-2-1201"), (("A座", "1", "101"), "A-1-101"),
])
def test_building_unit_and_number_columns_compose_the_code(cells, code):
    m = {Field.BUILDING: 0, Field.UNIT: 1, Field.NUMBER: 2, Field.NAME: 3}
    r = clean_row(5, (*cells, "王芳"), m)
    assert not r.problems and r.code == code


def test_a_number_under_a_room_header_is_composed_with_building_and_unit():
    m = {Field.BUILDING: 0, Field.UNIT: 1, Field.CODE: 2}
    assert clean_row(5, ("1栋", "1", "101"), m).code == "1-1-101"
    assert clean_row(5, ("1栋", "1", "2-1-101"), m).code == "2-1-101"
    r = clean_row(5, ("1栋", None, "101"), m)
    assert r.problems == ["房号不完整：缺少单元（房号格式应为 楼栋-单元-房号，如 3-2-1201）"]


@pytest.mark.parametrize(("text", "code"), [("3栋2单元1201室", "3-2-1201"), ("3#2-1201", "3-2-1201"),
                                             ("3—2—1201", "3-2-1201"), ("3-2-1201室", "3-2-1201")])
def test_room_codes_written_the_chinese_way_are_read(text, code):
    r = row(code=text)
    assert not r.problems and r.code == code


def test_a_room_code_that_cannot_be_read_is_rejected():
    assert row(code="12楼").problems == ["房号格式应为 楼栋-单元-房号，如 3-2-1201"]
    assert row(code=None).problems == ["缺少房号"]


def test_a_common_area_code_makes_a_common_area():
    r = row(code="公共-配电室", name=None)
    assert not r.problems and r.kind == RoomKind.COMMON
    assert row(code="公共-配电室", name=None, kind="住宅").problems == ["公共区域编号的房屋类型应为“公共区域”"]


def test_words_for_kind_relation_and_id_type_are_read_and_unknown_words_rejected():
    r = row(kind="商铺", rel="租客", id_type="居民身份证", idn=ID_WANG)
    assert not r.problems and (r.kind, r.relation, r.id_type) == (RoomKind.SHOP, Relation.TENANT,
                                                                   IdType.RESIDENT_ID)
    assert row().relation == Relation.OWNER
    assert row(rel="亲戚").problems == ["关系“亲戚”无法识别（应为 业主、住户 或 租户）"]
    assert row(kind="别墅").problems == ["房屋类型“别墅”无法识别（应为 住宅、商铺 或 公共区域）"]
    assert row(id_type="身分证").problems == ["证件类型“身分证”无法识别（应为 身份证、护照、驾驶证 或 其他证件）"]


@pytest.mark.parametrize(("value", "expected"), [
    (datetime(2020, 5, 1), date(2020, 5, 1)), ("2020-05-01", date(2020, 5, 1)), ("2020/5/1", date(2020, 5, 1)),
    ("2020.5.1", date(2020, 5, 1)), ("2020年5月1日", date(2020, 5, 1)), (20200501, date(2020, 5, 1)),
    ("２０２０-５-１", date(2020, 5, 1)),
])
def test_move_in_dates_in_the_usual_forms(value, expected):
    r = row(move_in=value)
    assert not r.problems and r.move_in == expected


@pytest.mark.parametrize("value", ["去年", "2020-13-01", 43952, "5月1日"])
def test_a_date_that_cannot_be_read_is_rejected(value):
    assert row(move_in=value).problems[0].startswith("入住日期")


def test_areas():
    assert row(area="89.5㎡").area == Decimal("89.50")
    assert row(area=89.499).area == Decimal("89.50")
    assert row(area="一百").problems == ["面积“一百”不是数字"]
    assert row(area=-3).problems == ["面积应大于 0 且小于 100000 平方米"]


def test_a_row_names_one_person_and_details_need_a_name():
    assert row(name="王芳、李明").problems == ["一行只能填写一个人，请把“王芳、李明”分成几行"]
    assert row(name=None, phone="13800138000").problems == ["填写了电话或证件号码，但缺少姓名"]
    assert not row(name=None).problems   # a room without people


@pytest.mark.parametrize(("values", "total"), [
    (("合计", None, 644.5), True), (("总 计：", 12), True), ((None, "小计", 3), True),
    (("王芳", "合计"), False), (("1-1-101", None), False),
])
def test_totals_rows_are_recognized(values, total):
    assert roster.is_total_row(values) is total


# ---------------------------------------------------------------- a sheet as a whole

def test_preview_skips_blank_and_totals_rows_and_collapses_duplicates(tmp_path):
    f = write_rows(tmp_path / "r.xlsx", [
        ["房号", "业主姓名", "手机", "身份证号码"],
        ["1-1-101", "王芳", "13800138000", ID_WANG],
        [None, None, None, None],
        ["1-1-101", "王芳", "13800138000", ID_WANG],
        ["1-1-101", "王芳 ", "13800138000.0", ID_WANG.lower()],
        ["1-1-102", "周八", "13800138001", ID_ZHOU],
        ["1-1-103", "钱二", "13900139000", ID_WANG],
        ["合计", None, None, None],
    ], title="花名册")
    p = roster.preview_roster(f)
    assert p.header_row == 2 and p.mapping == {"code": 0, "name": 1, "phone": 2, "id_number": 3}
    assert (p.total, p.valid, p.duplicates, p.rejected, p.skipped) == (5, 2, 2, 1, 1)
    status = {r.row: (r.status, r.reason) for r in p.rows}
    assert status[3] == ("ok", "") and status[5][0] == status[6][0] == "skip"
    assert status[8] == ("reject", "与第 3 行证件号码相同但姓名不同")
    assert status[9] == ("skip", "合计行，已跳过")
    assert 4 not in status   # a blank row is not even shown
    assert [r.row for r in p.problem_rows] == [8]


def test_rows_for_one_room_must_agree_on_the_room(tmp_path):
    f = write_rows(tmp_path / "r.xlsx", [
        ["房号", "建筑面积", "业主姓名", "手机"],
        ["1-1-101", 89.5, "王芳", "13800138000"],
        ["1-1-101", None, "李明", "13900139000"],
        ["1-1-101", 90, "张伟", "13700137000"],
        ["1-1-101", None, "王芳", "13800138001"],
    ])
    p = roster.preview_roster(f)
    reasons = {r.row: r.reason for r in p.problem_rows}
    assert reasons == {4: "与第 2 行的面积不同（89.50 / 90.00）",
                       5: "与第 2 行的电话不同（13800138000 / 13800138001）"}
    assert p.valid == 2


def test_the_clerk_can_change_the_mapping(tmp_path):
    f = write_rows(tmp_path / "r.xlsx", [["房号", "联系人", "号码"], ["1-1-101", "王芳", "13800138000"]])
    p = roster.preview_roster(f)
    assert p.mapping == {"code": 0} and p.valid == 1
    p = roster.preview_roster(f, mapping={"name": 1, "phone": "号码"})
    assert p.mapping == {"code": 0, "name": 1, "phone": 2}
    p = roster.preview_roster(f, mapping={"code": None})
    assert p.message.startswith("没有找到房号列")
    with pytest.raises(roster.ValidationError, match="同时被指定为"):
        roster.preview_roster(f, mapping={"name": 0})


def test_vertically_merged_cells_give_every_row_their_value(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["楼栋", "单元", "室号", "业主"])
    for u, n, name in (("1", "101", "王芳"), ("1", "102", "李明"), ("2", "201", "张伟")):
        ws.append([None, u, n, name])
    ws["A2"] = "3栋"
    ws.merge_cells("A2:A4")
    wb.save(tmp_path / "m.xlsx")
    p = roster.preview_roster(tmp_path / "m.xlsx")
    assert p.valid == 3 and [r.values[0] for r in p.rows] == ["3栋"] * 3


def test_sheet_choice_and_a_missing_sheet(tmp_path):
    f = tmp_path / "two.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "本表说明"
    wb.create_sheet("二期").append(["房号", "业主"])
    wb["二期"].append(["5-1-101", "王芳"])
    wb.save(f)
    p = roster.preview_roster(f, sheet="二期")
    assert p.sheet_names == ("说明", "二期") and p.valid == 1
    assert roster.preview_roster(f).sheet == "二期"   # the notes in front are passed over
    assert roster.preview_roster(f, sheet="说明").message.startswith("在前 20 行中找不到表头")
    with pytest.raises(roster.ValidationError, match="没有名为“三期”的工作表"):
        roster.preview_roster(f, sheet="三期")


def test_the_template_reads_back_as_one_valid_row_with_text_id_columns(tmp_path):
    f = roster.save_template(tmp_path / "模板.xlsx")
    ws = openpyxl.load_workbook(f)["花名册"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["房号", "房屋类型", "建筑面积", "姓名"]
    idcol = header.index("证件号码") + 1
    assert ws.cell(row=2, column=idcol).value == make_id("110105", "19491231", "002")
    assert ws.cell(row=2, column=idcol).number_format == "@"
    assert ws.cell(row=500, column=header.index("手机") + 1).number_format == "@"
    p = roster.preview_roster(f)
    assert (p.header_row, p.valid, p.rejected) == (1, 1, 0)
    assert set(p.mapping) == {str(f) for f in roster.TEMPLATE_FIELDS}


def test_limits_are_stated():
    assert roster.MAX_DATA_ROWS == 50_000
    assert "50000" in roster._too_many_rows().message
    assert openpyxl.DEFUSEDXML, "defusedxml must be installed so openpyxl parses XML safely"


def _openpyxl_rows(path):
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb.active
    ws.reset_dimensions()
    out = []
    for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
        vals = list(values)
        while vals and vals[-1] is None:
            vals.pop()
        if vals:
            out.append((n, tuple(vals)))
    wb.close()
    return out


def _fast_rows(path, *, fallback=False):
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb.active
    if fallback:   # an openpyxl without the private attribute: its own reader is used
        ws = SimpleNamespace(reset_dimensions=ws.reset_dimensions, iter_rows=ws.iter_rows)
    rows = [(n, v) for n, v in roster._sheet_rows(wb, ws, path) if any(x is not None for x in v)]
    wb.close()
    return [(n, tuple(v[:len(v) - next((i for i, x in enumerate(reversed(v)) if x is not None), 0)]))
            for n, v in rows]


@pytest.mark.parametrize("write_only", [False, True])
def test_the_fast_row_reader_reads_what_openpyxl_reads(tmp_path, write_only):
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    wb = openpyxl.Workbook(write_only=write_only)
    ws = wb.create_sheet("s") if write_only else wb.active
    rich = CellRichText("王", TextBlock(InlineFont(b=True), "芳"))
    for r in ([None, "房号", 1, 2.5, 1.1010519491231e17, True, False],
              [datetime(2020, 5, 1), datetime(2020, 5, 1, 8, 30), date(2021, 3, 4), "=A1", "#N/A", rich],
              [], ["  spaced  ", "", None, None, "end"], [13800138000, -3, 0, "0012"]):
        ws.append(r)
    if not write_only:
        ws["Z20"] = "far"
        ws["D12"] = 42
    f = tmp_path / "types.xlsx"
    wb.save(f)
    expected = _openpyxl_rows(f)
    assert len(expected) >= 4
    assert _fast_rows(f) == expected
    assert _fast_rows(f, fallback=True) == expected


def test_the_fast_row_reader_on_the_messy_roster(tmp_path):
    from tests.fixtures_roster import messy_roster

    f = messy_roster(tmp_path)
    assert _fast_rows(f) == _openpyxl_rows(f)
