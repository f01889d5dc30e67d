"""Status and kind values of petition cases (《信访工作条例》 2022). Extended by the petitions issue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a petition case came in (Art. 17; plan §七(一) for incident demands)."""

    LETTER = "letter", _("letter")  # 来信
    VISIT = "visit", _("visit")  # 来访
    PHONE = "phone", _("phone")  # 来电
    ONLINE = "online", _("online form")  # 网上信访
    TRANSFER = "transfer", _("transferred from a higher level")  # 转送
    ASSIGNMENT = "assignment", _("assigned by a higher level")  # 交办
    INCIDENT_DEMAND = "incident_demand", _("demand registered at an incident")  # 现场诉求登记
    WARNING = "warning", _("converted early warning")  # 预警转信访


class CaseStatus(models.TextChoices):
    """Where a case stands; the petitions issue adds the later states and their transitions."""

    RECEIVED = "received", _("received")  # the 15-day acceptance deadline runs (Art. 22)
