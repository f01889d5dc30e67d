"""The steps a case page (and the API) offers: each a form, the states it applies to, and its action.

Shared by ``views.case_step`` and ``api.step`` so that a page and the API
validate and act alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingji.orgs.access import Actor

from . import actions
from . import forms as f
from .models import Document, PetitionCase


@dataclass(frozen=True)
class Step:
    """One action a case page offers: its form, when it applies, and how it calls the action."""

    title: Any
    form: type[forms.Form]
    permission: str
    statuses: tuple[str, ...]
    do: Callable[[Actor, PetitionCase, dict[str, Any]], Any]
    actor_form: bool = False  # the form takes ``actor=``: choices limited to what the actor may see
    #: What the page's form shows before anything is typed: the values the step sets now, so that
    #: saving it again changes only what was changed (the five-ones are named in several passes).
    initial: Callable[[PetitionCase], dict[str, Any]] | None = None


def _five_ones_now(case: PetitionCase) -> dict[str, Any]:
    """Return the case's five-ones as the form's initial values (plan §七(一))."""
    return {
        "handling_unit": case.handling_unit_id,
        "lead_official": case.lead_official_id,
        "responsible_person": case.responsible_person_id,
        "measures": case.measures,
        "resolution_plan": case.resolution_plan,
    }


def _deliver(actor: Actor, case: PetitionCase, d: dict[str, Any]) -> Any:
    try:
        document = case.documents.get(pk=d.pop("document"))
    except Document.DoesNotExist:
        raise ValidationError(_("Unknown document.")) from None
    return actions.record_delivery(actor, document, **d)


_ANY = ("received", "accepted", "in_resolution", "replied", "review_requested", "reviewed")
STEPS: dict[str, Step] = {
    "accept": Step(gettext_lazy("Accept"), f.EmptyForm, "petitions.decide", ("received",),
                   lambda a, c, d: actions.accept_case(a, c)),
    "decline": Step(gettext_lazy("Decline"), f.ReasonForm, "petitions.decide", ("received",),
                    lambda a, c, d: actions.decline_case(a, c, **d)),
    "transfer": Step(gettext_lazy("Route to the responsible body"), f.TransferForm,
                     "petitions.decide", ("received",),
                     lambda a, c, d: actions.transfer_case(a, c, **d)),
    "object": Step(gettext_lazy("Object: outside our remit"), f.ReasonForm, "petitions.decide",
                   ("received",), lambda a, c, d: actions.object_to_transfer(a, c, **d)),
    "five_ones": Step(gettext_lazy("Name the five-ones"), f.FiveOnesForm, "petitions.assign",
                      ("received", "accepted", "in_resolution"),
                      lambda a, c, d: actions.set_five_ones(a, c, **d), actor_form=True,
                      initial=_five_ones_now),
    "start": Step(gettext_lazy("Start resolution"), f.EmptyForm, "petitions.handle",
                  ("accepted",), lambda a, c, d: actions.start_resolution(a, c)),
    "extension": Step(gettext_lazy("Ask for an extension"), f.ExtensionRequestForm,
                      "petitions.handle", ("accepted", "in_resolution"),
                      lambda a, c, d: actions.request_extension(a, c, **d)),
    "decide_extension": Step(gettext_lazy("Decide the extension"), f.ExtensionDecisionForm,
                             "petitions.approve_extension", ("accepted", "in_resolution"),
                             lambda a, c, d: actions.decide_extension(a, c, **d)),
    "reply": Step(gettext_lazy("Write the reply"), f.ReplyForm, "petitions.handle",
                  ("in_resolution",), lambda a, c, d: actions.issue_reply(a, c, **d)),
    "deliver": Step(gettext_lazy("Record a delivery"), f.DeliveryForm, "petitions.handle",
                    (*_ANY, "declined", "transferred", "final"), _deliver),
    "review": Step(gettext_lazy("Record a review request"), f.RequestForm, "petitions.decide",
                   ("replied",), lambda a, c, d: actions.request_review(a, c, **d)),
    "review_opinion": Step(gettext_lazy("Write the review opinion"), f.ReviewOpinionForm,
                           "petitions.handle", ("review_requested",),
                           lambda a, c, d: actions.issue_review_opinion(a, c, **d)),
    "re_review": Step(gettext_lazy("Record a re-review request"), f.RequestForm,
                      "petitions.decide", ("reviewed",),
                      lambda a, c, d: actions.request_re_review(a, c, **d)),
    "re_review_opinion": Step(gettext_lazy("Write the re-review opinion"),
                              f.ReReviewOpinionForm, "petitions.handle",
                              ("re_review_requested",),
                              lambda a, c, d: actions.issue_re_review_opinion(a, c, **d)),
    "link": Step(gettext_lazy("Link a related case"), f.LinkForm, "petitions.decide",
                 (*_ANY, "final"), lambda a, c, d: actions.link_related(a, c, d["other"]),
                 actor_form=True),
}  # fmt: skip
