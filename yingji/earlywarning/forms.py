"""Forms of the ledger pages; they parse input, the actions validate and decide."""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import Any

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from yingji.forms import ANY, LabelledChoicesMixin
from yingji.orgs.choices import UnitKind
from yingji.orgs.models import Member, Township, Unit
from yingji.orgs.queries import village_names
from yingji.plans.schema import Plan

from .choices import WarningSource, WarningStatus

_DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _dt(label: Any, required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=_DT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _levels(levels: Any) -> list[tuple[str, str]]:
    return [("", "—")] + [(lv.key, lv.name) for lv in levels]


class ContentsForm(LabelledChoicesMixin, forms.Form):
    """The §五(三) contents of a warning (register, and completing a report)."""

    category = forms.ChoiceField(label=_("category"))
    source = forms.ChoiceField(label=_("source"), choices=WarningSource.choices)
    discovered_at = _dt(_("registered at"))
    summary = forms.CharField(
        label=_("summary of the matter"), widget=forms.Textarea(attrs={"rows": 3})
    )
    cause = forms.CharField(
        label=_("cause"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_at = _dt(_("time of the matter"))
    village = forms.ModelChoiceField(
        label=_("village (community)"), queryset=Unit.objects.none(), required=False
    )
    address = forms.CharField(label=_("place"), required=False, max_length=200)
    headcount = forms.IntegerField(label=_("headcount"), required=False, min_value=0)
    parties = forms.CharField(
        label=_("parties to the matter"),
        required=False,
        help_text=_("Only as parties to the matter, with what is needed to handle it."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    potential_harm = forms.ChoiceField(label=_("potential harm"), required=False)
    urgency = forms.ChoiceField(label=_("urgency"), required=False)
    development = forms.CharField(
        label=_("development"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    measures = forms.CharField(
        label=_("measures"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, township: Township, plan: Plan, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.key, c.name) for c in plan.warning_categories]
        self.fields["village"].queryset = Unit.objects.filter(
            township=township, kind=UnitKind.VILLAGE
        )
        self.fields["potential_harm"].choices = _levels(plan.risk_assessment.harm_levels)
        self.fields["urgency"].choices = _levels(plan.risk_assessment.urgency_levels)


class ReportForm(ContentsForm):
    """Complete the report's contents and send it (category, source, time stay as registered)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in ("category", "source", "discovered_at"):
            del self.fields[name]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for dismissal"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AssessForm(LabelledChoicesMixin, forms.Form):
    urgency = forms.ChoiceField(label=_("urgency"))
    potential_harm = forms.ChoiceField(label=_("potential harm"))

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["urgency"].choices = _levels(plan.risk_assessment.urgency_levels)
        self.fields["potential_harm"].choices = _levels(plan.risk_assessment.harm_levels)


class HandlingForm(LabelledChoicesMixin, forms.Form):
    lead_official = forms.ModelChoiceField(label=_("lead official"), queryset=Member.objects.none())
    units = forms.ModelMultipleChoiceField(
        label=_("responsible units"), queryset=Unit.objects.none()
    )
    measures = forms.CharField(
        label=_("measures"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, township: Township, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["lead_official"].queryset = Member.objects.filter(
            township=township, active=True
        )
        self.fields["units"].queryset = Unit.objects.filter(township=township, active=True)


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("progress"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("resolution"), widget=forms.Textarea(attrs={"rows": 2}))


class EscalateForm(LabelledChoicesMixin, forms.Form):
    category = forms.ChoiceField(label=_("incident category"))

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.key, c.short_name) for c in plan.incident_categories]


class ConvertForm(forms.Form):
    content = forms.CharField(
        label=_("the demand"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


#: (language, categories, risk levels) → the filter's status, category and risk-level choices.
_CHOICES: dict[tuple[Any, ...], tuple[list[tuple[str, str]], ...]] = {}


def _filter_choices(plan: Plan, language: str | None) -> tuple[list[tuple[str, str]], ...]:
    """Return the status, category and risk-level choices of the ledger filter, translated."""
    categories = tuple((c.key, f"{c.section or ''} {c.name[:16]}") for c in plan.warning_categories)
    risks = tuple((lv.key, lv.name) for lv in plan.risk_assessment.risk_levels)
    key = (language, categories, risks)
    if key not in _CHOICES:
        everything = ("", str(ANY))
        _CHOICES[key] = (
            [everything, ("open", str(_("open")))]
            + [(k, str(v)) for k, v in WarningStatus.choices],
            [everything, *categories],
            [everything, *risks],
        )
    return _CHOICES[key]


class _Normalized(BaseChoiceIterator):
    """Choices already in Django's normalized form (``[(value, label)]``), passed through as they are.

    ``normalize_choices`` leaves a ``BaseChoiceIterator`` alone instead of
    walking every option again, for the field and for its widget; the
    ledger's filter sets four choice lists on every page.
    """

    def __init__(self, choices: list[tuple[str, str]]):
        self.choices = choices

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)


class FilterForm(forms.Form):
    """The ledger's filters (GET)."""

    q = forms.CharField(label=_("search"), required=False)
    status = forms.ChoiceField(label=_("status"), required=False)
    category = forms.ChoiceField(label=_("category"), required=False)
    village = forms.TypedChoiceField(
        label=_("village (community)"), coerce=int, empty_value=None, required=False
    )
    risk_level = forms.ChoiceField(label=_("risk level"), required=False)
    date_from = forms.DateField(
        label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, township: Township, plan: Plan, **kwargs: Any):
        super().__init__(*args, **kwargs)
        status, category, risk = _filter_choices(plan, get_language())
        self.fields["status"].choices = _Normalized(status)
        self.fields["category"].choices = _Normalized(category)
        self.fields["village"].choices = _Normalized(
            [("", status[0][1])] + [(str(pk), name) for pk, name in village_names(township)]
        )
        self.fields["risk_level"].choices = _Normalized(risk)

    def for_template(self) -> list[dict[str, Any]]:
        """Return the fields as the ledger template writes them out by hand, in form order.

        Each: ``name``, ``id`` (``id_<name>``, what ``<label for>`` points at),
        ``label``, ``type`` ("select", "text" or "date"), ``value`` (what was
        typed, so a rejected filter keeps it), ``options`` (``[(value, label,
        selected)]`` of a select), ``errors``, and ``html``: the whole field
        (label, control with what was typed or chosen, errors), every value
        escaped. The filter is on every ledger page, so it is written here
        once instead of through the widget renderer (a template per widget and
        per option) or the template language (issue 4's benchmark).
        """
        errors = self.errors if self.is_bound else {}
        out = []
        for name, field in self.fields.items():
            typed = self.data.get(name, "") if self.is_bound else ""
            typed = typed if isinstance(typed, str) else ""
            kind = "text"
            options: list[tuple[str, str, bool]] = []
            if isinstance(field, forms.ChoiceField):
                kind = "select"
                choices = [(str(k), str(v)) for k, v in field.choices]
            elif isinstance(field, forms.DateField):
                kind = "date"
            if kind == "select":
                options = [(value, label, value == typed) for value, label in choices]
            field_errors = [str(e) for e in errors.get(name, [])]
            control = (
                f'<select name="{name}" id="id_{name}">'
                + "".join(
                    f'<option value="{escape(value)}"{" selected" if chosen else ""}>'
                    f"{escape(label)}</option>"
                    for value, label, chosen in options
                )
                + "</select>"
                if kind == "select"
                else f'<input type="{kind}" name="{name}" id="id_{name}"'
                + (f' value="{escape(typed)}">' if typed else ">")
            )
            html = mark_safe(  # noqa: S308 — every value is escaped
                f'<div class="field{" has-error" if field_errors else ""}">'
                f'<label for="id_{name}">{escape(str(field.label))}</label>{control}'
                + "".join(f'<p class="error" role="alert">{escape(e)}</p>' for e in field_errors)
                + "</div>"
            )
            out.append(
                {
                    "name": name,
                    "id": f"id_{name}",
                    "label": field.label,
                    "type": kind,
                    "value": typed,
                    "options": options,
                    "errors": field_errors,
                    "html": html,
                }
            )
        return out


class UploadForm(forms.Form):
    file = forms.FileField(label=_("ledger file (.xlsx)"))
