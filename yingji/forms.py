"""What every form of Yingji shares: the words of a dropdown's empty choice, in one place.

Django writes "---------" for the empty choice of a model choice and of a model
field with choices. Yingji's forms say instead, in the reader's language:

- ``CHOOSE`` (请选择…) in a form that records something: pick one, or leave it
  empty where the field is optional;
- ``ANY`` (（不限）) in a filter: the empty choice filters nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

#: The empty choice of a dropdown in a form that records something.
CHOOSE = gettext_lazy("Choose…")
#: The empty choice of a dropdown in a filter: no restriction.
ANY = gettext_lazy("(any)")
#: What Django and older code put there; replaced by :func:`label_empty_choices`.
_UNLABELLED = {"---------", "—", ""}


def label_empty_choices(form: forms.BaseForm, label: Any = CHOOSE) -> None:
    """Give every dropdown of ``form`` whose empty choice is unlabelled (``---------``, ``—``) ``label``.

    A field whose empty choice says something of its own (e.g. "（镇领导）" for a
    member of no unit) keeps it. Call after the form's fields have their choices.
    """
    for field in form.fields.values():
        if isinstance(field, forms.ModelMultipleChoiceField):
            continue
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None and str(field.empty_label) in _UNLABELLED:
                field.empty_label = label
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)
            if choices and choices[0][0] in ("", None) and str(choices[0][1]) in _UNLABELLED:
                field.choices = [("", label), *choices[1:]]


class LabelledChoicesMixin:
    """A form whose unlabelled empty choices read ``empty_choice_label`` (``CHOOSE``) when shown.

    The labels are set the first time a field is taken for showing (``form[name]``,
    which ``{% for field in form %}`` uses), so choices a subclass sets in its
    ``__init__`` get them too; validation never depends on a label.
    """

    empty_choice_label: Any = CHOOSE
    _choices_labelled = False

    def __getitem__(self, name: str) -> Any:
        if not self._choices_labelled:
            self._choices_labelled = True
            label_empty_choices(self, self.empty_choice_label)  # type: ignore[arg-type]
        return super().__getitem__(name)  # type: ignore[misc]
