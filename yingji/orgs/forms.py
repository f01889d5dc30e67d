"""Forms of the organisation pages; they validate input, the actions do the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yingji.forms import LabelledChoicesMixin

from .models import DutyShift, LeadingGroupSeat, Member, Township, Unit


class UnitForm(LabelledChoicesMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "phone", "active"]


class MemberForm(LabelledChoicesMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = ["name", "unit", "title", "phone", "email", "role", "active"]

    def __init__(self, *args, township: Township, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(township=township)
        self.fields["unit"].empty_label = _("(township leaders)")
        self.fields["unit"].required = False


class LoginNameForm(LabelledChoicesMixin, forms.Form):
    username = forms.RegexField(
        label=_("Login name"),
        max_length=150,
        regex=r"^[A-Za-z0-9_.@+-]+$",
        error_messages={"invalid": _("Use letters, digits and _ . @ + - only.")},
    )


class SeatForm(LabelledChoicesMixin, forms.ModelForm):
    class Meta:
        model = LeadingGroupSeat
        fields = ["member", "seat", "acting_head", "order"]

    def __init__(self, *args, township: Township, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(township=township, active=True)

    def validate_unique(self) -> None:
        # Seats are unique per member; the action moves an existing seat instead.
        pass


class DutyShiftForm(LabelledChoicesMixin, forms.ModelForm):
    class Meta:
        model = DutyShift
        fields = ["member", "starts_at", "ends_at", "note"]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args, township: Township, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(township=township, active=True)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The shift must end after it starts."))
        return data
