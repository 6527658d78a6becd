"""The English translation is complete and current; switching language really changes the UI."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "frontdesk_en.ts"
QM = TS.with_suffix(".qm")
BIN = Path(sys.executable).parent


def _messages(ts: Path) -> dict[tuple[str, str], str | None]:
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for m in ctx.iter("message"):
            tr = m.find("translation")
            done = tr is not None and tr.get("type") not in ("unfinished", "vanished", "obsolete")
            out[(name, m.findtext("source") or "")] = (tr.text if done and tr is not None else None)
    return out


def test_every_string_is_translated():
    missing = [k for k, v in _messages(TS).items() if not v]
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:5]}"


def test_the_ts_file_knows_every_string_in_the_source(tmp_path):
    fresh = tmp_path / "fresh.ts"
    shutil.copyfile(TS, fresh)
    sources = sorted(str(p) for p in (ROOT / "ui").rglob("*.py"))
    subprocess.run([str(BIN / "pyside6-lupdate"), "-locations", "none", "-no-obsolete", *sources,
                    "-ts", str(fresh)], check=True, capture_output=True)
    new = set(_messages(fresh)) - set(_messages(TS))
    assert not new, f"run scripts/update-translations: {sorted(new)[:5]}"


def test_the_qm_file_is_built_from_the_ts(tmp_path):
    built = tmp_path / "built.qm"
    subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(TS), "-qm", str(built)], check=True)
    assert built.read_bytes() == QM.read_bytes(), "run scripts/update-translations"
