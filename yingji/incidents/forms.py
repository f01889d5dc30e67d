"""Forms of the incident pages; they parse input, the actions validate the rules and write."""

from __future__ import annotations

from django import forms
from django.utils.dateformat import format as date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from yingji.forms import LabelledChoicesMixin
from yingji.orgs.choices import HANDLING_ROLES
from yingji.orgs.models import Member, Township

from .choices import IncidentSource, PartyCapacity
from .models import Incident, Party

_DT = {"type": "datetime-local"}
_DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _dt(label: str, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=_DT_FORMATS,
        widget=forms.DateTimeInput(attrs=_DT, format="%Y-%m-%dT%H:%M"),
    )


class ReceiveForm(LabelledChoicesMixin, forms.Form):
    """Receive an incident (plan §六(二)); the category choices come from the plan in force."""

    category = forms.ChoiceField(label=_("Category"))
    # An escalated warning is received by the escalation itself (earlywarning.actions.escalate).
    source = forms.ChoiceField(
        label=_("Received from"),
        choices=[(k, v) for k, v in IncidentSource.choices if k != IncidentSource.WARNING],
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 2}))
    occurred_at = _dt(_("Time of the matter"), required=False)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    headcount = forms.IntegerField(
        label=_("Headcount"), required=False, min_value=0, max_value=100_000
    )
    cause = forms.CharField(
        label=_("Cause"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, township: Township, **kwargs):
        super().__init__(*args, **kwargs)
        plan = township.plan_version.plan if township.plan_version else None
        self.fields["category"].choices = [
            (c.key, f"{c.short_name}（§{c.section}）")
            for c in (plan.incident_categories if plan else [])
        ]


class VerifyForm(LabelledChoicesMixin, forms.Form):
    """The peace office's verification: true or not true, with a note."""

    true = forms.TypedChoiceField(
        label=_("Verified"),
        choices=[("1", _("true")), ("0", _("not true"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def parties_in_brief(incident: Incident) -> str:
    """Return the incident's parties as counts by capacity (e.g. "代表 2 人、信访人 3 人"), no names.

    The report to the leading group (plan §六(二) "信访人（牵头人员）") is stored,
    audited and sent by SMS and e-mail in clear text, so it carries who stands
    behind the matter by capacity and count only; the names and contacts stay
    encrypted on the parties, readable (and logged) on the incident page by the
    leading group, who all handle the incident (DESIGN.md §6).
    """
    counts: dict[str, int] = {}
    for capacity in incident.parties.values_list("capacity", flat=True):
        counts[capacity] = counts.get(capacity, 0) + 1
    labels = dict(PartyCapacity.choices)
    text = "、".join(
        _("%(capacity)s: %(n)d") % {"capacity": labels[c], "n": n}
        for c, n in counts.items()
        if c in labels
    )
    return (
        _("%(parties)s (names and contacts: see the incident's parties)") % {"parties": text}
        if text
        else ""
    )


def report_form(incident: Incident, data=None) -> forms.Form:
    """Return a form with one field per content the plan's incident report requires (§六(二)).

    Prefilled from what the incident record already knows; the lead persons as
    :func:`parties_in_brief` (capacities and counts, never names).
    """
    plan = incident.plan_version.plan
    names = {f.key: f.name for f in plan.report_fields}
    reps = parties_in_brief(incident)
    known = {
        # In Shanghai time and Chinese format: the report goes out as text (SMS, e-mail).
        "time": date_format(localtime(incident.occurred_at), "Y年n月j日 H:i")
        if incident.occurred_at
        else "",
        "place": incident.place,
        "cause": incident.cause,
        "headcount": str(incident.headcount) if incident.headcount is not None else "",
        "lead_persons": reps,
    }
    form = forms.Form(data)
    for key in plan.report_contents.incident.fields:
        form.fields[key] = forms.CharField(
            label=names[key],
            required=False,  # the action names every missing content at once
            initial=known.get(key, ""),
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_(
                "By capacity and count: the report is sent by SMS and e-mail in clear text, "
                "the names stay encrypted with the parties."
            )
            if key == "lead_persons"
            else "",
        )
    return form


class TaskForceForm(LabelledChoicesMixin, forms.Form):
    """Pick the members of the task force, one multiple choice per plan unit kind (§六(四))."""

    leader = forms.ModelChoiceField(
        label=_("Leader"), queryset=Member.objects.none(), required=False
    )

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        # Only roles that take part in handling (not the auditor nor the system administrator).
        active = Member.objects.filter(
            township=incident.township, active=True, role__in=HANDLING_ROLES
        ).select_related("unit")
        self.fields["leader"].queryset = active
        self.units = incident.plan_version.plan.roles.task_force_units
        for unit in self.units:
            if unit.unit_kind is None:
                qs = active.filter(unit__isnull=True) | active.filter(seats__isnull=False)
            else:
                qs = active.filter(unit__kind=unit.unit_kind.value)
            self.fields[f"unit_{unit.key}"] = forms.ModelMultipleChoiceField(
                label=unit.name,
                queryset=qs.distinct(),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def pairs(self) -> list[tuple[str, Member]]:
        """Return ``(unit key, member)`` pairs chosen."""
        return [(u.key, m) for u in self.units for m in self.cleaned_data.get(f"unit_{u.key}", [])]


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that takes several files at once (photos from the scene)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field whose cleaned value is a list of uploaded files."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class LogForm(LabelledChoicesMixin, forms.Form):
    text = forms.CharField(label=_("Log entry"), widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label=_("Attachments"), required=False)


class TextForm(LabelledChoicesMixin, forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(LabelledChoicesMixin, forms.Form):
    """Register a body-worn camera recording (plan §六(五)1(3))."""

    camera_id = forms.CharField(label=_("Camera id"), max_length=64)
    wearer = forms.ModelChoiceField(label=_("Wearer"), queryset=Member.objects.none())
    started_at = _dt(_("Recording started"))
    ended_at = _dt(_("Recording ended"))
    file_name = forms.CharField(label=_("File name"), max_length=200, required=False)
    file = forms.FileField(label=_("File (SHA-256 computed on upload)"), required=False)
    sha256 = forms.CharField(
        label=_("SHA-256 from the device export"), max_length=64, required=False
    )
    storage_place = forms.CharField(label=_("Storage place"), max_length=200)

    def __init__(self, *args, township: Township, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wearer"].queryset = Member.objects.filter(township=township, active=True)


class CustodyForm(LabelledChoicesMixin, forms.Form):
    from_holder = forms.CharField(label=_("From"), max_length=100)
    to_holder = forms.CharField(label=_("To"), max_length=100)
    place = forms.CharField(label=_("Kept at"), max_length=200)
    note = forms.CharField(label=_("Note"), required=False)


class PartyForm(LabelledChoicesMixin, forms.Form):
    """A party to the matter: name, contact for the reply, capacity. Nothing more is asked."""

    name = forms.CharField(label=_("Name"), max_length=50)
    contact = forms.CharField(label=_("Contact for the reply"), max_length=100, required=False)
    capacity = forms.ChoiceField(label=_("Capacity"), choices=PartyCapacity.choices)


class PartyChoiceField(forms.ModelMultipleChoiceField):
    """Parties as checkboxes labelled from ``labels`` (party id → label), never from the encrypted fields."""

    labels: dict[int, str] = {}

    def label_from_instance(self, obj: Party) -> str:
        return self.labels.get(obj.pk) or f"{obj.get_capacity_display()}{_('(withheld)')}"


class DemandForm(LabelledChoicesMixin, forms.Form):
    """Register a demand with the parties behind it; ``set_labels`` gives the checkboxes their text."""

    content = forms.CharField(label=_("Demand"), widget=forms.Textarea(attrs={"rows": 2}))
    parties = PartyChoiceField(
        label=_("Parties"),
        queryset=Party.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = incident.parties.all()

    def set_labels(self, labels: dict[int, str]) -> None:
        """Label the party checkboxes: ``labels`` maps party ids to what the reader may see."""
        field = self.fields["parties"]
        assert isinstance(field, PartyChoiceField)
        field.labels = labels


class WithdrawForm(LabelledChoicesMixin, forms.Form):
    note = forms.CharField(label=_("How it was withdrawn"), max_length=500)


def summary_form(data=None, files=None) -> forms.Form:
    """Return the summary report form: one field per ``SUMMARY_FIELDS`` content, and an attachment."""
    from .actions_aftermath import SUMMARY_FIELDS

    form = forms.Form(data, files)
    for key, name in SUMMARY_FIELDS.items():
        form.fields[key] = forms.CharField(
            label=name, required=False, widget=forms.Textarea(attrs={"rows": 3})
        )
    form.fields["attachment"] = forms.FileField(label=_("Attachment"), required=False)
    return form
