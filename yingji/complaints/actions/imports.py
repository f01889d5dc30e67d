"""Import of message-board and hotline exports as historic petition cases (issue 11 §1).

Each readable row becomes one case through
``petitions.actions.record_historic_case`` (real receipt and reply times,
deadlines recorded with their outcome, nothing sent) plus a
:class:`~yingji.complaints.models.SourceMessage` keyed on (source, message
number): importing the same file again changes nothing. Unreadable rows are
listed by Excel row with the reason. Rows are written in chunks, each in one
transaction, and the job's ``done`` counter is committed after each chunk so
that a page can show the progress.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji import jobs, uploads
from yingji.audit.log import record
from yingji.numbering import SHANGHAI, next_number
from yingji.orgs.access import Actor, require
from yingji.orgs.models import Township
from yingji.petitions.actions import record_historic_case
from yingji.petitions.models import PetitionCase

from ..choices import ImportState
from ..models import ColumnMapping, ImportJob, SourceMessage
from ..parsing import Problem, check_mapping, guess_mapping, parse_rows, read_sheet

CHUNK = 250
#: The kind of job under which ``yingji.jobs`` leases and recovers these imports.
JOB_KIND = "complaints.import"
Progress = Callable[[int, int], None]


def save_mapping(
    actor: Actor, township: Township, *, source: str, mapping: dict[str, str]
) -> ColumnMapping:
    """Save the column mapping ``{field: header}`` of ``source`` for the next imports; return it.

    Raises ``ValidationError`` for an empty source, ``PermissionDenied``.
    """
    require(actor, "petitions.import", township)
    source = source.strip()
    if not source:
        raise ValidationError({"source": _("Name the source of the file.")})
    clean = {k: v for k, v in mapping.items() if v}
    with transaction.atomic():
        saved, _created = ColumnMapping.objects.update_or_create(
            township=township, source=source, defaults={"mapping": clean}
        )
        record(actor, "complaints.save_mapping", saved, township=township, after=clean)
    return saved


def mapping_for(township: Township, source: str, headers: list[str]) -> dict[str, str]:
    """Return the saved mapping of ``source`` if it fits ``headers``, else one guessed from the headers.

    The guess leaves out the user column: the writer's user name is imported
    only if staff map it on purpose (then encrypted as the petitioner's name).
    """
    saved = ColumnMapping.objects.filter(township=township, source=source).first()
    if saved and all(h in headers for h in saved.mapping.values()):
        return dict(saved.mapping)
    guessed = guess_mapping(headers)
    guessed.pop("user", None)
    return guessed


def start_import(
    actor: Actor, township: Township, *, source: str, filename: str, content: bytes
) -> ImportJob:
    """Read ``content`` (.xlsx) and return an uploaded job whose columns are to be mapped.

    Raises ``ValidationError`` (not an .xlsx by its content, larger than the
    ``complaints`` upload limit of ``yingji.uploads``, no header row, no
    source), ``PermissionDenied``. Nothing is stored when refused.
    """
    require(actor, "petitions.import", township)
    if not source.strip():
        raise ValidationError({"source": _("Name the source of the file.")})
    try:
        uploads.check(content, "complaints", name=filename)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    try:
        _headers, rows = read_sheet(content)
    except ValueError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    with transaction.atomic():
        job = ImportJob.objects.create(
            township=township,
            source=source.strip(),
            filename=filename[:200],
            content=content,
            total=len(rows),
        )
        record(actor, "complaints.start_import", job, township=township, after={"rows": len(rows)})
    return job


class _Numbers:
    """Case numbers for one import: the next free one per year, asked of the database once per year."""

    def __init__(self, township: Township):
        self.township = township
        self.last: dict[str, tuple[str, int]] = {}

    def next(self, at: datetime) -> str:
        year = str(at.astimezone(SHANGHAI).year)
        if year not in self.last:
            first = next_number(PetitionCase, self.township, "XF", at)
            head, tail = first.rsplit("-", 1)
            self.last[year] = (head, int(tail) - 1)
        stem, seq = self.last[year]
        self.last[year] = (stem, seq + 1)
        return f"{stem}-{seq + 1:04d}"


def _mask(text: str, user: str) -> str:
    """The reply addresses the writer by user name; keep the text, not the name."""
    return text.replace(user, "网友") if user and len(user) >= 2 else text


def run_import(
    actor: Actor,
    job: ImportJob,
    *,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportJob:
    """Write every readable row of ``job`` as a historic case; return the finished job.

    ``mapping`` (``{field: header}``, default: the saved or guessed one) is
    saved for the job's source. Rows whose message number was imported from
    this source before are counted ``unchanged`` (idempotent). ``progress(done,
    total)`` is called after each chunk. The job is ``running`` meanwhile,
    under its lease (``yingji.jobs``): if the process dies, the chunks
    committed so far stay whole, and the next start marks the job
    ``interrupted``; running it again finishes it. Raises ``ValidationError``
    for a mapping missing a required column, ``PermissionDenied``.
    """
    require(actor, "petitions.import", job.township)
    with jobs.holding(JOB_KIND, job.pk):
        return _run(actor, job, mapping, progress)


def _run(
    actor: Actor, job: ImportJob, mapping: dict[str, str] | None, progress: Progress | None
) -> ImportJob:
    """Import ``job`` with its lease held (see :func:`run_import`)."""
    township = job.township
    headers, rows = read_sheet(bytes(job.content))
    mapping = mapping if mapping is not None else mapping_for(township, job.source, headers)
    errors = check_mapping(mapping, headers)
    if errors:
        raise ValidationError(errors)
    save_mapping(actor, township, source=job.source, mapping=mapping)
    known = set(
        SourceMessage.objects.filter(township=township, source=job.source).values_list(
            "message_number", flat=True
        )
    )
    job.state, job.started_at, job.done = ImportState.RUNNING, timezone.now(), 0
    job.created = job.unchanged = 0
    job.problems = []
    job.save(update_fields=["state", "started_at", "done", "created", "unchanged", "problems"])
    keep_user = bool(mapping.get("user"))
    # The user column is read (if the file has one) only to mask the name in the reply text.
    mask_with = mapping.get("user") or guess_mapping(headers).get("user", "")
    parsed = list(parse_rows(headers, rows, {**mapping, "user": mask_with}))
    numbers = _Numbers(township)
    job.total = len(parsed)
    for start in range(0, len(parsed), CHUNK):
        with transaction.atomic():
            for item in parsed[start : start + CHUNK]:
                if isinstance(item, Problem):
                    job.problems.append(
                        {"row": item.row, "number": item.number, "message": item.message}
                    )
                    continue
                if item.number in known:
                    job.unchanged += 1
                    continue
                try:
                    with transaction.atomic():
                        case = record_historic_case(
                            actor,
                            township,
                            summary=item.subject,
                            content=item.text,
                            received_at=item.posted_at,
                            replied_at=item.replied_at,
                            reply_text=_mask(item.reply, item.user),
                            petitioner_name=item.user if keep_user else "",
                            source_label=f"{job.source} {item.number}",
                            number=numbers.next(item.posted_at),
                        )
                        SourceMessage.objects.create(
                            township=township,
                            source=job.source,
                            message_number=item.number,
                            case=case,
                            posted_at=item.posted_at,
                            votes_up=item.votes_up,
                            votes_down=item.votes_down,
                            label=item.label[:60],
                        )
                except ValidationError as exc:
                    job.problems.append(
                        {"row": item.row, "number": item.number, "message": "; ".join(exc.messages)}
                    )
                    continue
                known.add(item.number)
                job.created += 1
            job.done = min(start + CHUNK, len(parsed))
            job.save(update_fields=["done", "created", "unchanged", "problems", "total"])
        if progress:
            progress(job.done, job.total)
    with transaction.atomic():
        job.state, job.finished_at = ImportState.DONE, timezone.now()
        job.save(update_fields=["state", "finished_at"])
        record(
            actor,
            "complaints.import",
            job,
            township=township,
            after={
                "created": job.created,
                "unchanged": job.unchanged,
                "problems": len(job.problems),
            },
        )
    return job


def import_file(
    actor: Actor,
    township: Township,
    *,
    source: str,
    filename: str,
    content: bytes,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportJob:
    """:func:`start_import` then :func:`run_import` in one call (the command line and the API)."""
    job = start_import(actor, township, source=source, filename=filename, content=content)
    return run_import(actor, job, mapping=mapping, progress=progress)


#: The states from which a page may start a job (a job interrupted by a dead process is finished).
STARTABLE = (ImportState.UPLOADED, ImportState.INTERRUPTED)


def mark_running(job: ImportJob) -> bool:
    """Claim ``job`` for one run: ``running`` if it is still in a :data:`STARTABLE` state.

    Returns False, changing nothing, when another request started it first
    (two clicks on "Import": both read the job as uploaded) or it has run;
    the state is checked and changed in one ``UPDATE``, so only one request
    wins. The caller holds the job's lease (``jobs.hold(JOB_KIND, job.pk)``)
    from before this call until the import has ended.
    """
    with transaction.atomic():
        return bool(
            ImportJob.objects.filter(pk=job.pk, state__in=STARTABLE).update(
                state=ImportState.RUNNING, done=0
            )
        )


def unmark_running(job: ImportJob, state: str) -> None:
    """Give a claimed ``job`` back its earlier ``state`` (its import was refused before any row)."""
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk, state=ImportState.RUNNING).update(state=state)


def mark_failed(job: ImportJob) -> None:
    """Record that a background import stopped on an unexpected error; its own transaction rolled back."""
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(state=ImportState.FAILED)


def mark_interrupted(actor: Actor, job: ImportJob) -> None:
    """Record that the process importing ``job`` died (found at the next start by ``yingji.jobs``).

    Each chunk of rows commits whole with the job's ``done`` counter, so the
    rows written are whole cases; the job becomes ``interrupted`` and the
    audit log says how far it came. Importing it again finishes it (rows
    imported before are left unchanged). Called by
    ``jobs.recover_interrupted`` with the job's lease held; does nothing
    unless the job is ``running``.
    """
    require(actor, "jobs.recover")
    with transaction.atomic():
        job.refresh_from_db()
        if not ImportJob.objects.filter(pk=job.pk, state=ImportState.RUNNING).update(
            state=ImportState.INTERRUPTED
        ):
            return
        record(
            actor,
            "complaints.import_interrupted",
            job,
            township=job.township,
            before={"state": ImportState.RUNNING},
            after={
                "state": ImportState.INTERRUPTED,
                "done": job.done,
                "total": job.total,
                "created": job.created,
            },
        )
