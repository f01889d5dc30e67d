"""Shared constants and helpers of the petition actions (《信访工作条例》 2022)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Document, PetitionCase

ART22 = "《信访工作条例》第二十二条"
#: Art. 22: decide (accept / route) and tell the petitioner in writing within 15 days of receipt.
ACCEPTANCE_RULE = "petition.art22_acceptance"
#: Art. 23: a unit given a case outside its remit objects within 5 working days.
OBJECTION_RULE = "petition.art23_objection"
#: Art. 31(6), 34: conclude within 60 days of acceptance.
CONCLUDE_RULE = "petition.art34_conclude"
#: Art. 34: the conclude deadline after the one approved extension (60 + ≤30 days from acceptance).
EXTENDED_RULE = "petition.art34_extended"
CONCLUDE_DAYS = 60
MAX_EXTENSION_DAYS = 30

#: plan five-ones key → PetitionCase field (plan §七(一)).
FIVE_ONES_FIELDS = {
    "responsible_unit": "handling_unit",
    "lead_official": "lead_official",
    "responsible_person": "responsible_person",
    "measures": "measures",
    "resolution_plan": "resolution_plan",
}


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _require_status(case: PetitionCase, *allowed: str) -> None:
    if case.status not in allowed:
        raise ValidationError(
            _("This step is not possible while the case is “%(status)s”.")
            % {"status": case.get_status_display()}
        )


def _issuer(case: PetitionCase) -> str:
    """The name documents are issued in: the township government, whatever unit handles the case.

    The organ that accepted the case answers it in writing (《信访工作条例》第三十二条): the
    acceptance notice's "我单位" is the township government, and the review the reply points to
    (第三十五条, the next level up: 区人民政府) is of the township government's answer. The
    responsible unit (五个一) is the township's own division of the work, not the issuer.
    """
    return f"{case.township.name}人民政府"


def _document(case: PetitionCase, kind: str, at: datetime, body: str, **parts: Any) -> Document:
    return Document.objects.create(
        case=case, kind=kind, issuer=_issuer(case), issued_at=at, parts=parts, body=body
    )
