"""Import a township's existing ledger from .xlsx (DESIGN.md §8 "importers"): upload, check, run.

``start_import`` reads the file and guesses the column mapping; ``check_import``
validates every row under the mapping and lists each fault by row and
column; ``run_import`` writes, in one transaction, every row (refused while
any row is bad) or, with ``skip_bad``, the good rows, listing the skipped
ones. A row already in the ledger (same 预警编号, or the same time, summary,
place and category) is a duplicate and is not written again, so importing the
same file twice creates nothing the second time. Imported warnings are
historical entries: they keep the file's status and times and open no
deadlines. Progress (rows done of the total) is kept in :data:`PROGRESS` for
the page that polls it, since the write transaction is not visible to other
connections until it commits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji import jobs, uploads
from yingji.audit.log import record
from yingji.numbering import SHANGHAI
from yingji.orgs.access import Actor, require
from yingji.orgs.models import Township

from .choices import ImportState
from .models import LedgerImport, Warning
from .search import warning_search_text
from .xlsx import (
    HEADERS,
    REQUIRED,
    Lookups,
    ParsedRow,
    column_name,
    guess_mapping,
    parse_row,
    read_workbook_cached,
)

#: job id → (rows done, rows in all), for the progress bar while a job runs.
PROGRESS: dict[int, tuple[int, int]] = {}
_PROGRESS_LOCK = threading.Lock()
_STEP = 500
#: The kind of job under which ``yingji.jobs`` leases and recovers ledger imports.
JOB_KIND = "earlywarning.import"


def _progress(job: LedgerImport, done: int) -> None:
    with _PROGRESS_LOCK:
        PROGRESS[job.pk] = (done, job.total)


def progress_of(job: LedgerImport) -> tuple[int, int]:
    """Return ``(rows done, rows in all)`` of ``job``: live while it runs, else as stored."""
    with _PROGRESS_LOCK:
        live = PROGRESS.get(job.pk)
    return live if live is not None else (job.processed, job.total)


def start_import(
    actor: Actor, township: Township, *, filename: str, content: bytes
) -> LedgerImport:
    """Read an uploaded .xlsx ledger and guess its column mapping; return the import job.

    Raises ``ValidationError`` (field ``file``) when the file is not an .xlsx
    by its content, is larger than the ``ledger`` upload limit
    (``yingji.uploads``), or cannot be read; nothing is stored then.
    """
    require(actor, "earlywarning.import", township)
    if township.plan_version is None:
        raise ValidationError(_("No plan is in force for this township."))
    try:
        uploads.check(content, "ledger", name=filename)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    try:
        headers, rows = read_workbook_cached(bytes(content))
    except ValueError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    with transaction.atomic():
        job = LedgerImport.objects.create(
            township=township,
            created_by=actor.user,
            filename=filename[:200],
            content=content,
            headers=headers,
            mapping=guess_mapping(headers),
            total=len(rows),
        )
        record(
            actor,
            "earlywarning.import_upload",
            job,
            township=township,
            after={"file": job.filename, "rows": len(rows)},
        )
    return job


def _check_mapping(job: LedgerImport, mapping: dict[str, int]) -> dict[str, int]:
    clean: dict[str, int] = {}
    errors: dict[str, str] = {}
    for name, index in mapping.items():
        if name not in HEADERS or name == "row_number":
            continue
        if index is None or index == "":
            continue
        if not isinstance(index, int) or not 0 <= index < len(job.headers):
            errors[name] = _("Choose a column of the file.")
            continue
        clean[name] = index
    for name in REQUIRED:
        if name not in clean:
            errors[name] = _("Map a column to “%(field)s”.") % {"field": HEADERS[name]}
    if errors:
        raise ValidationError(errors)
    return clean


def _parse_all(
    job: LedgerImport, lookups: Lookups, on_row: Callable[[int], None]
) -> list[ParsedRow]:
    _headers, rows = read_workbook_cached(bytes(job.content))
    parsed = []
    for i, (number, cells) in enumerate(rows, start=1):
        parsed.append(parse_row(number, cells, job.mapping, lookups))
        if i % _STEP == 0:
            on_row(i)
    return parsed


def _duplicates(township: Township, parsed: list[ParsedRow]) -> set[int]:
    """Return the Excel row numbers of rows already in the ledger (or earlier in the same file)."""
    numbers = {p.data["number"] for p in parsed if p.data.get("number")}
    keys = {p.import_key for p in parsed}
    taken_numbers = set(
        Warning.objects.filter(township=township, number__in=numbers).values_list(
            "number", flat=True
        )
    )
    taken_keys = set(
        Warning.objects.filter(township=township, import_key__in=keys).values_list(
            "import_key", flat=True
        )
    )
    seen: set[str] = set()
    rows = set()
    for p in parsed:
        key = p.import_key
        if p.data.get("number") in taken_numbers or key in taken_keys or key in seen:
            rows.add(p.row)
        seen.add(key)
    return rows


def check_import(
    actor: Actor, job: LedgerImport, *, mapping: dict[str, int] | None = None
) -> LedgerImport:
    """Validate every row of ``job`` under ``mapping`` ({field: column index}); store the report.

    ``job.problems`` becomes ``[{row, column, field, message}]``; ``job.duplicates``
    counts rows already in the ledger. Raises ``ValidationError`` for a mapping
    that leaves a required field (登记时间, 类别, 事由) unmapped.
    """
    require(actor, "earlywarning.import", job.township)
    if job.state not in (ImportState.UPLOADED, ImportState.CHECKED, ImportState.INTERRUPTED):
        raise ValidationError(_("This import has already run."))
    job.mapping = _check_mapping(job, mapping if mapping is not None else job.mapping)
    columns = {i: column_name(i, h) for i, h in enumerate(job.headers)}
    fields_col = {name: idx for name, idx in job.mapping.items()}
    lookups = Lookups.of(job.township)
    parsed = _parse_all(job, lookups, lambda done: _progress(job, done))
    duplicates = _duplicates(job.township, parsed)
    problems = []
    for p in parsed:
        for name, message in p.problems:
            index = fields_col.get(name)
            problems.append(
                {
                    "row": p.row,
                    "column": columns[index] if index is not None else HEADERS[name],
                    "field": name,
                    "message": message,
                }
            )
    with transaction.atomic():
        job.problems = problems
        job.duplicates = len(duplicates)
        job.processed = len(parsed)
        job.state = ImportState.CHECKED
        job.save()
        record(
            actor,
            "earlywarning.import_check",
            job,
            township=job.township,
            after={"problems": len(problems), "duplicates": len(duplicates)},
        )
    with _PROGRESS_LOCK:
        PROGRESS.pop(job.pk, None)
    return job


class _Numbers:
    """Hands out 预警编号 for imported rows without one: ``YJ{year}-{seq:04d}`` after the highest taken."""

    def __init__(self, township: Township):
        self.township = township
        self.last: dict[str, int] = {}

    def next(self, at: Any) -> str:
        stem = f"YJ{at.astimezone(SHANGHAI).year}-"
        if stem not in self.last:
            numbers = Warning.objects.filter(
                township=self.township, number__startswith=stem
            ).values_list("number", flat=True)
            self.last[stem] = max(
                (int(n.rsplit("-", 1)[1]) for n in numbers if n.rsplit("-", 1)[1].isdigit()),
                default=0,
            )
        self.last[stem] += 1
        return f"{stem}{self.last[stem]:04d}"


def run_import(actor: Actor, job: LedgerImport, *, skip_bad: bool = False) -> LedgerImport:
    """Write the checked rows of ``job`` in one transaction; return the finished job.

    Refused (``ValidationError``, nothing written) while any row is bad unless
    ``skip_bad``; then the bad rows are left out and listed in
    ``job.skipped_rows``. Duplicates are never written. While it writes, the
    job is ``running`` (committed first, under the job's lease, ``yingji.jobs``):
    a process that dies then leaves no row written, and the next start marks
    the job ``interrupted``. An unexpected error marks it ``failed``. Refused
    (``ValidationError``, nothing changed) when another request or process
    runs it already.
    """
    require(actor, "earlywarning.import", job.township)
    if job.state != ImportState.CHECKED:
        raise ValidationError(_("Check the rows before importing."))
    if job.problems and not skip_bad:
        raise ValidationError(
            _("Some rows have errors: correct the file, or choose to skip the bad rows.")
        )
    try:
        lease = jobs.hold(JOB_KIND, job.pk)
    except jobs.JobBusy:  # another process writes it
        raise ValidationError(_("This import has already run.")) from None
    try:
        with transaction.atomic():
            if not LedgerImport.objects.filter(pk=job.pk, state=ImportState.CHECKED).update(
                state=ImportState.RUNNING
            ):
                raise ValidationError(_("This import has already run."))
        job.state = ImportState.RUNNING
        try:
            return _write(actor, job, skip_bad)
        except BaseException:
            mark_failed(job)
            raise
    finally:
        lease.release()


def _write(actor: Actor, job: LedgerImport, skip_bad: bool) -> LedgerImport:
    """Write the rows of a running ``job`` in one transaction (see :func:`run_import`)."""
    township = job.township
    version = township.plan_version
    lookups = Lookups.of(township)
    parsed = _parse_all(job, lookups, lambda done: _progress(job, done // 2))
    duplicates = _duplicates(township, parsed)
    bad = sorted({p.row for p in parsed if p.problems})
    good = [p for p in parsed if not p.problems and p.row not in duplicates]
    numbers = _Numbers(township)
    done_before = len(parsed) // 2
    with transaction.atomic():
        warnings = []
        for p in good:
            data = dict(p.data)
            warning = Warning(
                township=township,
                plan_version=version,
                registered_by=actor.member,
                import_key=p.import_key,
                **{k: v for k, v in data.items() if k != "number"},
            )
            warning.number = data.get("number") or numbers.next(warning.discovered_at)
            warning.search_text = warning_search_text(warning)
            warnings.append(warning)
        created = []
        for start in range(0, len(warnings), _STEP):
            created += Warning.objects.bulk_create(warnings[start : start + _STEP])
            _progress(
                job,
                done_before
                + (start + _STEP) * (len(parsed) - done_before) // max(len(warnings), 1),
            )
        through = Warning.units.through
        links = [
            through(warning_id=w.pk, unit_id=u.pk)
            for w, p in zip(created, good, strict=True)
            for u in p.units
        ]
        through.objects.bulk_create(links, batch_size=_STEP)
        for w in created:
            record(
                actor,
                "earlywarning.import_row",
                w,
                after={"number": w.number, "import": job.pk, "status": w.status},
            )
        job.state = ImportState.DONE
        job.skip_bad = skip_bad
        job.created = len(created)
        job.duplicates = len(duplicates)
        job.skipped_rows = bad
        job.processed = len(parsed)
        job.finished_at = timezone.now()
        job.save()
        record(
            actor,
            "earlywarning.import",
            job,
            township=township,
            after={"created": len(created), "duplicates": len(duplicates), "skipped_rows": bad},
        )
    with _PROGRESS_LOCK:
        PROGRESS.pop(job.pk, None)
    return job


def import_file(
    actor: Actor,
    township: Township,
    *,
    filename: str,
    content: bytes,
    mapping: dict[str, int] | None = None,
    skip_bad: bool = False,
) -> LedgerImport:
    """Upload, check and (if it may) run an import in one call (API, CLI, benchmark).

    Returns the job: ``DONE`` when written; ``CHECKED`` with ``problems`` when
    bad rows refused it (nothing written).
    """
    job = start_import(actor, township, filename=filename, content=content)
    job = check_import(actor, job, mapping=mapping)
    if job.problems and not skip_bad:
        return job
    return run_import(actor, job, skip_bad=skip_bad)


def mark_failed(job: LedgerImport) -> None:
    """Record that an import stopped on an unexpected error (its own transaction rolled back).

    Called by :func:`run_import` and the job runner only; the import's rows
    were never committed, so only the job's state changes (a job written
    whole stays ``done``). The log holds the error.
    """
    with transaction.atomic():
        LedgerImport.objects.filter(pk=job.pk).exclude(state=ImportState.DONE).update(
            state=ImportState.FAILED
        )


def mark_interrupted(actor: Actor, job: LedgerImport) -> None:
    """Record that the process writing ``job`` died (found at the next start by ``yingji.jobs``).

    Its one transaction never committed, so no row of it is in the ledger;
    the job becomes ``interrupted`` (it may be checked and run again) and the
    audit log says so. Called by ``jobs.recover_interrupted`` with the job's
    lease held; does nothing unless the job is ``running``.
    """
    require(actor, "jobs.recover")
    with transaction.atomic():
        if not LedgerImport.objects.filter(pk=job.pk, state=ImportState.RUNNING).update(
            state=ImportState.INTERRUPTED
        ):
            return
        record(
            actor,
            "earlywarning.import_interrupted",
            job,
            township=job.township,
            before={"state": ImportState.RUNNING},
            after={"state": ImportState.INTERRUPTED, "written": 0},
        )
