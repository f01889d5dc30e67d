from django.contrib import admin

from .models import DutyShift, LeadingGroupSeat, Member, Township, Unit

for model in (Township, Unit, Member, LeadingGroupSeat, DutyShift):
    admin.site.register(model)
