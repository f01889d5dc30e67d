"""Forms of the petition pages; each maps onto one action's keyword arguments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yingji.forms import LabelledChoicesMixin
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role
from yingji.orgs.models import Member, Unit

from .access import visible_cases
from .choices import (
    MAX_REPRESENTATIVES,
    Category,
    Channel,
    ComplaintRoute,
    DeliveryMethod,
    Satisfaction,
)
from .models import PetitionCase

_DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReceiveForm(LabelledChoicesMixin, forms.Form):
    """Register a case (``actions.receive_case``); up to five parties in rows name_i / phone_i / address_i."""

    # A demand at an incident and a converted warning become cases through their own actions.
    channel = forms.ChoiceField(
        label=_("channel"),
        choices=[
            (k, v)
            for k, v in Channel.choices
            if k not in (Channel.INCIDENT_DEMAND, Channel.WARNING)
        ],
    )
    category = forms.ChoiceField(
        label=_("category"), choices=Category.choices, initial=Category.COMPLAINT
    )
    complaint_route = forms.ChoiceField(
        label=_("route"), choices=[("", "—"), *ComplaintRoute.choices], required=False
    )
    summary = forms.CharField(label=_("summary"), max_length=300)
    content = forms.CharField(
        label=_("content"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("The matter itself, without the petitioner's name, phone or address."),
    )
    received_at = forms.DateTimeField(
        label=_("received at"), required=False, widget=_DT, help_text=_("Empty means now.")
    )
    is_group = forms.BooleanField(label=_("group petition"), required=False)
    headcount = forms.IntegerField(
        label=_("headcount"), min_value=1, max_value=100_000, required=False
    )
    higher_level_body = forms.CharField(
        label=_("transferred or assigned by"), max_length=100, required=False
    )
    accused_unit = forms.ModelChoiceField(
        label=_("accused unit"), queryset=Unit.objects.none(), required=False
    )
    same_matter_as = forms.ModelChoiceField(
        label=_("same matter as"), queryset=PetitionCase.objects.none(), required=False
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accused_unit"].queryset = Unit.objects.filter(township=actor.township)  # type: ignore[attr-defined]
        # Only the cases the actor may see: a report case stays hidden from the accused unit (Art. 30).
        self.fields["same_matter_as"].queryset = visible_cases(actor)  # type: ignore[attr-defined]
        for i in range(1, MAX_REPRESENTATIVES + 1):
            self.fields[f"name_{i}"] = forms.CharField(
                label=_("Petitioner %(i)d: name") % {"i": i},
                max_length=50,
                required=False,
                help_text=_(
                    "Only what is needed to reply. A group names at most five representatives (Art. 20)."
                )
                if i == 1
                else "",
            )
            self.fields[f"phone_{i}"] = forms.CharField(
                label=_("Petitioner %(i)d: phone") % {"i": i}, max_length=40, required=False
            )
            self.fields[f"address_{i}"] = forms.CharField(
                label=_("Petitioner %(i)d: address for replies") % {"i": i},
                max_length=200,
                required=False,
            )

    def action_kwargs(self) -> dict[str, Any]:
        """Return the keyword arguments of ``receive_case`` from the cleaned data."""
        d = self.cleaned_data
        parties = [
            {"name": d[f"name_{i}"], "phone": d[f"phone_{i}"], "address": d[f"address_{i}"]}
            for i in range(1, MAX_REPRESENTATIVES + 1)
            if d[f"name_{i}"] or d[f"phone_{i}"] or d[f"address_{i}"]
        ]
        return {
            "channel": d["channel"],
            "category": d["category"],
            "complaint_route": d["complaint_route"],
            "summary": d["summary"],
            "content": d["content"],
            "received_at": d["received_at"],
            "is_group": d["is_group"],
            "headcount": d["headcount"],
            "higher_level_body": d["higher_level_body"],
            "accused_unit": d["accused_unit"],
            "same_matter_as": d["same_matter_as"],
            "parties": parties,
        }


class ReasonForm(LabelledChoicesMixin, forms.Form):
    """A reason told to the petitioner (decline, objection)."""

    reason = forms.CharField(label=_("reason"), widget=forms.Textarea)


class TransferForm(LabelledChoicesMixin, forms.Form):
    """The body a case is routed to (Art. 22)."""

    to_body = forms.CharField(label=_("routed to"), max_length=100)


class EmptyForm(LabelledChoicesMixin, forms.Form):
    """A confirmation with no fields."""


class FiveOnesForm(LabelledChoicesMixin, forms.Form):
    """The five-ones of plan §七(一)."""

    handling_unit = forms.ModelChoiceField(
        label=_("responsible unit"), queryset=Unit.objects.none(), required=False
    )
    lead_official = forms.ModelChoiceField(
        label=_("lead official"), queryset=Member.objects.none(), required=False
    )
    responsible_person = forms.ModelChoiceField(
        label=_("responsible person"), queryset=Member.objects.none(), required=False
    )
    measures = forms.CharField(label=_("measures"), widget=forms.Textarea, required=False)
    resolution_plan = forms.CharField(
        label=_("resolution plan"), widget=forms.Textarea, required=False
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        township = actor.township
        self.fields["handling_unit"].queryset = Unit.objects.filter(township=township, active=True)  # type: ignore[attr-defined]
        people = Member.objects.filter(township=township, active=True).exclude(role=Role.AUDITOR)
        # The lead official (包案领导) is a leader: a seat in the leading group.
        leaders = people.filter(seats__isnull=False).distinct()
        self.fields["lead_official"].queryset = leaders  # type: ignore[attr-defined]
        self.fields["responsible_person"].queryset = people  # type: ignore[attr-defined]


class ExtensionRequestForm(LabelledChoicesMixin, forms.Form):
    """The one extension (Art. 34)."""

    days = forms.IntegerField(label=_("extension days"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("reason for the extension"), widget=forms.Textarea)


class ExtensionDecisionForm(LabelledChoicesMixin, forms.Form):
    """The head's decision on the extension (Art. 34)."""

    approve = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("1", _("approve")), ("0", _("refuse"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("note"), widget=forms.Textarea, required=False)


class ReplyForm(LabelledChoicesMixin, forms.Form):
    """The written reply (Art. 32)."""

    request = forms.CharField(label=_("the request"), widget=forms.Textarea)
    facts = forms.CharField(label=_("facts found"), widget=forms.Textarea)
    decision = forms.CharField(label=_("decision"), widget=forms.Textarea)
    basis = forms.CharField(label=_("basis"), widget=forms.Textarea)
    review_body = forms.CharField(label=_("review body"), max_length=100)


class DeliveryForm(LabelledChoicesMixin, forms.Form):
    """How and when a document was delivered (送达)."""

    document = forms.IntegerField(widget=forms.HiddenInput)
    method = forms.ChoiceField(label=_("delivery method"), choices=DeliveryMethod.choices)
    delivered_at = forms.DateTimeField(label=_("delivered at"), widget=_DT)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class RequestForm(LabelledChoicesMixin, forms.Form):
    """When the petitioner's review or re-review request was received."""

    requested_at = forms.DateTimeField(label=_("request received at"), widget=_DT)


class ReviewOpinionForm(LabelledChoicesMixin, forms.Form):
    """The review opinion (Art. 35)."""

    opinion = forms.CharField(label=_("opinion"), widget=forms.Textarea)
    basis = forms.CharField(label=_("basis"), widget=forms.Textarea)
    re_review_body = forms.CharField(label=_("re-review body"), max_length=100)


class ReReviewOpinionForm(LabelledChoicesMixin, forms.Form):
    """The re-review opinion (Art. 36)."""

    opinion = forms.CharField(label=_("opinion"), widget=forms.Textarea)
    basis = forms.CharField(label=_("basis"), widget=forms.Textarea)


class LinkForm(LabelledChoicesMixin, forms.Form):
    """Link a related case."""

    other = forms.ModelChoiceField(label=_("related case"), queryset=PetitionCase.objects.none())

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the cases the actor may see: a report case stays hidden from the accused unit (Art. 30).
        self.fields["other"].queryset = visible_cases(actor)  # type: ignore[attr-defined]


class LookupForm(LabelledChoicesMixin, forms.Form):
    """The public lookup: case number and query code."""

    number = forms.CharField(label=_("case number"), max_length=40)
    code = forms.CharField(label=_("query code"), max_length=20)


class RatingForm(LookupForm):
    """The petitioner's rating, with the credentials again."""

    rating = forms.ChoiceField(label=_("satisfaction"), choices=Satisfaction.choices)
