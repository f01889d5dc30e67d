"""Forms of the notify pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Channel


class ChannelChoiceForm(forms.Form):
    """The channels a member receives on, besides the in-app bell."""

    channels = forms.MultipleChoiceField(
        label=_("Also send my notifications by"),
        choices=[c for c in Channel.choices if c[0] != Channel.IN_APP],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The in-app bell always receives them."),
    )


class ChannelConfigForm(forms.Form):
    """The township's endpoint for one channel."""

    url = forms.URLField(label=_("Address (URL)"), max_length=500, assume_scheme="https")
    secret = forms.CharField(
        label=_("Secret"),
        required=False,
        max_length=200,
        # Never rendered back: a stored secret is not sent to the browser again.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Webhook and SMS: the HMAC key. DingTalk: the robot's signing secret (SEC…)."),
    )
    clear_secret = forms.BooleanField(label=_("Remove the secret"), required=False)
    template = forms.CharField(
        label=_("Request template (SMS)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            'JSON body with {phone}, {text} and {key}, e.g. {"mobile": {phone}, "content": {text}}.'
        ),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, has_secret: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_secret:
            self.fields["secret"].help_text = _(
                "Set. Leave empty to keep it; type a new one to replace it."
            )
        else:
            del self.fields["clear_secret"]

    def action_kwargs(self) -> dict[str, Any]:
        """Return ``configure_channel``'s keywords: ``secret`` None keeps, "" removes, text replaces."""
        data = dict(self.cleaned_data)
        clear = data.pop("clear_secret", False)
        data["secret"] = "" if clear else (data["secret"] or None)
        return data
