"""Slips: Chinese text embedded, QR carries the serial, 补打 marked, two copies with a cut line."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from app import pdf_fonts
from app.slips import Field, ItemTable, SlipHeader, SlipSpec, TextBlock, render_slip
from tests.pdftools import pdf_fonts as fonts_of
from tests.pdftools import pdf_page_size, pdf_pages, pdf_text, qr_payloads

HEAD = SlipHeader("中天雅苑", "中天物业服务有限公司")
LONG = "业主反映卫生间顶部渗水，楼上住户装修时可能破坏了防水层，需要工程部上门查看并协调。" * 6
SPEC = SlipSpec(
    kind="key_loan", title="《钥匙借领确认单》", serial="JY-2026-000123",
    fields=[Field("日期", "2026-11-25"), Field("钥匙编号", "K-3-2-1201-1"), Field("数量", "2 把"),
            Field("借用人", "刘师傅（恒达装饰）"), Field("事由", LONG, wide=True)],
    blocks=[ItemTable(["钥匙编号", "房号", "数量"], [["K-1", "3-2-1201", "2"]]), TextBlock("备注", "当日归还")],
    signatures=("借用人签字", "经办人", "日期"))
AT = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)


def test_slip_embeds_a_cjk_font_and_wraps_long_text(tmp_path: Path):
    out = tmp_path / "slip.pdf"
    _data, info = render_slip(SPEC, HEAD, out=out, printed_at=AT)
    assert info.font.embedded and not info.font.warning
    text = pdf_text(out)
    for s in ("《钥匙借领确认单》", "JY-2026-000123", "借用人签字", "中天物业服务有限公司", "刘师傅"):
        assert s in text
    assert "补打" not in text
    fonts = fonts_of(out)
    assert fonts and all(f["emb"] == "yes" for f in fonts)
    # the long reason wraps inside its cell: its last words are there, on an A5 page
    assert "需要工程部上门查看并协调" in text.replace("\n", "").replace(" ", "")
    w, h = pdf_page_size(out)
    assert (round(w), round(h)) == (420, 595)


def test_qr_code_carries_the_serial(tmp_path: Path):
    out = tmp_path / "slip.pdf"
    render_slip(SPEC, HEAD, out=out, printed_at=AT)
    assert qr_payloads(out, tmp_path) == ["JY-2026-000123"]


def test_reprint_is_marked_with_its_time(tmp_path: Path):
    out = tmp_path / "again.pdf"
    render_slip(SPEC, HEAD, out=out, printed_at=AT, reprint_at=AT)
    assert "补打" in pdf_text(out)


def test_two_copies_on_one_a4_with_a_cut_line(tmp_path: Path):
    out = tmp_path / "two.pdf"
    render_slip(replace(SPEC, two_copies=True), HEAD, out=out, printed_at=AT)
    text = pdf_text(out)
    assert pdf_pages(out) == 1
    assert "客服中心留存联" in text and "持有人联" in text and "沿此线裁开" in text
    assert text.count("《钥匙借领确认单》") == 2
    assert [round(x) for x in pdf_page_size(out)] == [595, 842]
    assert sorted(qr_payloads(out, tmp_path)) == ["JY-2026-000123", "JY-2026-000123"]


def test_landscape_a4(tmp_path: Path):
    out = tmp_path / "wide.pdf"
    render_slip(replace(SPEC, page="A4", landscape=True), HEAD, out=out, printed_at=AT)
    assert [round(x) for x in pdf_page_size(out)] == [842, 595]


def test_without_a_cjk_font_the_cid_fallback_warns(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(pdf_fonts, "candidate_paths", lambda: [])
    monkeypatch.setattr(pdf_fonts, "_cache", {})
    font = pdf_fonts.get_font(str(tmp_path / "missing.ttf"))
    assert not font.embedded and font.name == pdf_fonts.CID_FALLBACK
    assert "设置的字体文件不可用" in font.warning
    _data, info = render_slip(SPEC, HEAD, printed_at=AT, font_path=str(tmp_path / "missing.ttf"))
    assert info.font.warning


def test_font_setting_is_validated(tmp_path: Path):
    from app.printing import font_path_problem

    assert font_path_problem("") is None
    assert "找不到字体文件" in font_path_problem(str(tmp_path / "nope.ttf"))
    bogus = tmp_path / "bogus.ttf"
    bogus.write_bytes(b"not a font")
    assert "TrueType" in font_path_problem(str(bogus))
    found = next((p for p in pdf_fonts.candidate_paths() if p.is_file()), None)
    assert found is not None, "the test machine needs a CJK TrueType font (fonts-wqy-microhei)"
    assert font_path_problem(str(found)) is None


def test_a_very_long_note_flows_onto_a_second_page(tmp_path: Path):
    out = tmp_path / "long.pdf"
    long_spec = replace(SPEC, blocks=[TextBlock("备注", "业主要求：" + "楼上漏水影响到卧室天花板。" * 250)])
    render_slip(long_spec, HEAD, out=out, printed_at=AT)
    assert pdf_pages(out) >= 2
    text = pdf_text(out).replace("\n", "").replace(" ", "")
    assert text.count("楼上漏水影响到卧室天花板") >= 240  # nothing was cut off
