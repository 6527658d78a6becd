"""Printing slips: who printed what and when (补打 for every print after the first)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import audit, settings
from app.roles import Actor
from db.models import PrintRecord
from db.types import utcnow

if TYPE_CHECKING:  # reportlab is imported when a slip is first rendered, not at start-up
    from app.slips import RenderInfo, SlipHeader, SlipSpec

PDF_FONT_KEY = "pdf_font_path"


@dataclass(frozen=True)
class PrintJob:
    """Everything needed to render a slip off the GUI thread (no session needed any more)."""

    spec: SlipSpec
    header: SlipHeader
    entity: str
    entity_id: str
    printed_at: datetime
    reprint_at: datetime | None
    printed_by: str
    font_path: str
    previous_prints: int

    def render(self) -> tuple[bytes, RenderInfo]:
        from app.slips import render_slip

        return render_slip(self.spec, self.header, printed_at=self.printed_at,
                           reprint_at=self.reprint_at, printed_by=self.printed_by,
                           font_path=self.font_path)


@dataclass(frozen=True)
class BatchJob:
    """Several records' slips in one PDF (a batch print); each is recorded as printed on its own."""

    jobs: tuple[PrintJob, ...]
    header: SlipHeader
    printed_at: datetime
    printed_by: str
    font_path: str

    @property
    def specs(self) -> list[SlipSpec]:
        return [j.spec for j in self.jobs]

    @property
    def spec(self) -> SlipSpec:
        """The first slip: its kind keys the remembered printer, its page the paper."""
        return self.jobs[0].spec

    @property
    def title(self) -> str:
        titles = list(dict.fromkeys(j.spec.title for j in self.jobs))
        return titles[0] if len(titles) == 1 else "、".join(titles)

    @property
    def reprints(self) -> int:
        return sum(1 for j in self.jobs if j.reprint_at is not None)

    def render(self) -> tuple[bytes, RenderInfo]:
        from app.slips import render_slips

        return render_slips([(j.spec, j.reprint_at) for j in self.jobs], self.header,
                            printed_at=self.printed_at, printed_by=self.printed_by, font_path=self.font_path)


@dataclass(frozen=True)
class PrintRow:
    printed_at: datetime
    username: str
    reprint: bool
    output: str


def slip_header(session: Session) -> SlipHeader:
    from app.slips import SlipHeader

    conf = settings.get_settings(session)
    return SlipHeader(community=conf.community_name, company=conf.company_name)


def _previous_prints(session: Session, spec: SlipSpec, entity: str, eid: str) -> int:
    return session.scalar(select(func.count()).select_from(PrintRecord).where(
        PrintRecord.entity == entity, PrintRecord.entity_id == eid, PrintRecord.kind == spec.kind)) or 0


def prepare(session: Session, actor: Actor, spec: SlipSpec, entity: str, entity_id: object) -> PrintJob:
    """A job for `spec`; marked 补打 when this record's slip was printed before."""
    eid = str(entity_id)
    n = _previous_prints(session, spec, entity, eid)
    now = utcnow()
    return PrintJob(spec=spec, header=slip_header(session), entity=entity, entity_id=eid,
                    printed_at=now, reprint_at=now if n else None,
                    printed_by=actor.display_name or actor.username,
                    font_path=settings.get_value(session, PDF_FONT_KEY), previous_prints=n)


def prepare_batch(session: Session, actor: Actor, specs: Sequence[tuple[SlipSpec, object]],
                  entity: str) -> BatchJob:
    """One job for several records' slips, `(spec, entity_id)` each, in the order given (a record
    named twice prints once). Each slip is marked 补打 on its own when its record's slip of that kind
    was printed before."""
    from app.errors import ValidationError

    seen: set[tuple[str, str]] = set()
    now = utcnow()
    header = slip_header(session)
    font_path = settings.get_value(session, PDF_FONT_KEY)
    by = actor.display_name or actor.username
    jobs: list[PrintJob] = []
    for spec, entity_id in specs:
        eid = str(entity_id)
        if (spec.kind, eid) in seen:
            continue
        seen.add((spec.kind, eid))
        n = _previous_prints(session, spec, entity, eid)
        jobs.append(PrintJob(spec=spec, header=header, entity=entity, entity_id=eid, printed_at=now,
                             reprint_at=now if n else None, printed_by=by, font_path=font_path,
                             previous_prints=n))
    if not jobs:
        raise ValidationError("没有要打印的单据", code="nothing_to_print")
    return BatchJob(jobs=tuple(jobs), header=header, printed_at=now, printed_by=by, font_path=font_path)


def record(session: Session, actor: Actor, job: PrintJob | BatchJob, output: str = "printer") -> None:
    """Call when the slip really went to the printer or was saved as PDF (a batch: every slip in it)."""
    if isinstance(job, BatchJob):
        for one in job.jobs:
            record(session, actor, one, output)
        return
    reprint = job.reprint_at is not None
    session.add(PrintRecord(kind=job.spec.kind, entity=job.entity, entity_id=job.entity_id,
                            serial=job.spec.serial, printed_at=job.printed_at,
                            username=actor.username, reprint=reprint, output=output))
    audit.record(session, actor, "reprint" if reprint else "print", job.entity, job.entity_id,
                 after={"slip": job.spec.kind, "serial": job.spec.serial, "output": output},
                 summary=f"{'补打' if reprint else '打印'}{job.spec.title} {job.spec.serial}")


def history(session: Session, entity: str, entity_id: object) -> list[PrintRow]:
    rows = session.scalars(select(PrintRecord).where(
        PrintRecord.entity == entity, PrintRecord.entity_id == str(entity_id))
        .order_by(PrintRecord.id))
    return [PrintRow(r.printed_at, r.username, r.reprint, r.output) for r in rows]


def font_path_problem(path: str) -> str | None:
    """None when `path` is empty (automatic) or a TrueType font with Chinese glyphs."""
    from app.pdf_fonts import check_font_file

    if not path.strip():
        return None
    return check_font_file(path.strip())


def set_font_path(session: Session, actor: Actor, path: str) -> None:
    from app.errors import ValidationError
    from app.roles import Perm, require

    require(actor, Perm.EDIT_SETTINGS)
    path = path.strip()
    if p := font_path_problem(path):
        raise ValidationError(p, field="pdf_font_path")
    old = settings.get_value(session, PDF_FONT_KEY)
    if old == path:
        return
    settings.set_value(session, PDF_FONT_KEY, path)
    audit.record(session, actor, "update", "settings", PDF_FONT_KEY, before={"pdf_font_path": old},
                 after={"pdf_font_path": path}, summary="修改打印字体")
