"""Forms of the ledger pages; they parse input, the actions validate and decide."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from functools import lru_cache
from html import escape
from typing import Any

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import SafeString, mark_safe
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
    headcount = forms.IntegerField(
        label=_("headcount"), required=False, min_value=0, max_value=100_000
    )
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


class _Normalized(BaseChoiceIterator):
    """Choices already in Django's normalized form (``[(value, label)]``), passed through as they are.

    ``normalize_choices`` leaves a ``BaseChoiceIterator`` alone instead of
    walking every option again, for the field and for its widget.
    """

    def __init__(self, choices: list[tuple[str, str]]):
        self.choices = choices

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)


class _SharedFields(dict[str, forms.Field]):
    """A filter form's fields, built once for one set of choices and shared by every form using them.

    ``BaseForm.__init__`` deep-copies ``base_fields`` so that one form's
    changes to its fields cannot reach another form. :class:`FilterForm`
    never changes a field after :func:`_prepared` built it, so the copy is
    skipped (the same field objects, in a new dict): deep-copying seven
    fields was a third of the filter's time on every ledger page (issue 4's
    benchmark).
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> _SharedFields:
        return _SharedFields(self)


class _Prepared:
    """What the ledger filter needs for one language, plan and list of villages, built once.

    ``fields``: the form's fields with their choices set (a
    :class:`_SharedFields`); ``labels``: ``{name: escaped label}``;
    ``options``: ``{name: [(value, option HTML, option HTML selected)]}``
    of each select, every value and label escaped.
    """

    def __init__(
        self,
        statuses: tuple[tuple[str, str], ...],
        categories: tuple[tuple[str, str], ...],
        villages: tuple[tuple[str, str], ...],
        risks: tuple[tuple[str, str], ...],
    ):
        fields = _SharedFields(copy.deepcopy(FilterForm.declared_fields))
        choices = {
            "status": statuses,
            "category": categories,
            "village": villages,
            "risk_level": risks,
        }
        self.options: dict[str, list[tuple[str, str, str]]] = {}
        for name, values in choices.items():
            fields[name].choices = _Normalized(list(values))  # type: ignore[attr-defined]
            self.options[name] = [
                (
                    value,
                    f'<option value="{escape(value)}">{escape(label)}</option>',
                    f'<option value="{escape(value)}" selected>{escape(label)}</option>',
                )
                for value, label in values
            ]
        self.fields = fields
        self.labels = {name: escape(str(field.label)) for name, field in fields.items()}
        # What the search looks in (search.warning_search_text), said in the box itself.
        self.search_hint = escape(str(_("number, place, summary or cause")))


@lru_cache(maxsize=256)
def _prepared(
    language: str | None,
    categories: tuple[tuple[str, str], ...],
    villages: tuple[tuple[str, str], ...],
    risks: tuple[tuple[str, str], ...],
) -> _Prepared:
    """Return the filter's fields and option HTML in ``language`` for these choices (per process).

    ``categories`` and ``risks`` are the plan's ``(key, name)``; ``villages``
    the township's ``(pk, name)`` as text. The statuses are
    :class:`WarningStatus` and "open"; every list starts with （不限）.
    """
    everything = ("", str(ANY))
    statuses = (everything, ("open", str(_("open"))))
    statuses += tuple((k, str(v)) for k, v in WarningStatus.choices)
    return _Prepared(
        statuses,
        (everything, *categories),
        (everything, *villages),
        (everything, *risks),
    )


_FILTER_DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]


class FilterForm(forms.Form):
    """The ledger's filters (GET): a Django form whose fields and option HTML are built once.

    ``township`` gives the village choices (read on each page, so a new
    village shows at once) and ``plan`` the category and risk-level choices
    (plan §五(一), the risk matrix). The fields and the options' HTML are
    built once per language, plan and list of villages (:func:`_prepared`)
    and shared: the filter is on every ledger page (issue 4's benchmark).
    """

    q = forms.CharField(label=_("search"), required=False)
    status = forms.ChoiceField(label=_("status"), required=False)
    category = forms.ChoiceField(label=_("category"), required=False)
    village = forms.TypedChoiceField(
        label=_("village (community)"), coerce=int, empty_value=None, required=False
    )
    risk_level = forms.ChoiceField(label=_("risk level"), required=False)
    # ISO first: what <input type="date"> sends (the Chinese locale tries 2026/03/01 first).
    date_from = forms.DateField(
        label=_("from"),
        required=False,
        input_formats=_FILTER_DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("until"),
        required=False,
        input_formats=_FILTER_DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, township: Township, plan: Plan, **kwargs: Any):
        self._prepared = _prepared(
            get_language(),
            tuple((c.key, f"{c.section or ''} {c.name[:16]}") for c in plan.warning_categories),
            tuple((str(pk), name) for pk, name in village_names(township)),
            tuple((lv.key, lv.name) for lv in plan.risk_assessment.risk_levels),
        )
        self.base_fields = self._prepared.fields  # shared, not deep-copied: see _SharedFields
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        """Refuse a date range that ends before it starts (it would silently match nothing)."""
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters_html(self) -> SafeString:
        """Return the filter fields as HTML, in form order: what the ledger page writes out.

        Each field is ``<div class="field">`` (``has-error`` when refused) with
        its ``<label for="id_<name>">``, the control keeping what was typed or
        chosen (a rejected filter loses nothing) and the errors, every value
        escaped. Written here, not through the widget renderer (a template per
        widget and per option) or the template language: the filter is on
        every ledger page (issue 4's benchmark).
        """
        errors = self.errors if self.is_bound else {}
        prepared = self._prepared
        out = []
        for name, field in self.fields.items():
            typed = self.data.get(name, "") if self.is_bound else ""
            typed = typed if isinstance(typed, str) else ""
            options = prepared.options.get(name)
            if options is not None:
                control = (
                    f'<select name="{name}" id="id_{name}">'
                    + "".join(
                        chosen if value == typed else plain for value, plain, chosen in options
                    )
                    + "</select>"
                )
            else:
                kind = "date" if isinstance(field, forms.DateField) else "text"
                hint = f' placeholder="{prepared.search_hint}"' if name == "q" else ""
                control = f'<input type="{kind}" name="{name}" id="id_{name}"{hint}' + (
                    f' value="{escape(typed)}">' if typed else ">"
                )
            field_errors = "".join(
                f'<p class="error" role="alert">{escape(str(e))}</p>' for e in errors.get(name, [])
            )
            out.append(
                f'<div class="field{" has-error" if field_errors else ""}">'
                f'<label for="id_{name}">{prepared.labels[name]}</label>{control}{field_errors}</div>'
            )
        return mark_safe("".join(out))  # noqa: S308  # nosec: every value is escaped


class UploadForm(forms.Form):
    file = forms.FileField(label=_("ledger file (.xlsx)"))
