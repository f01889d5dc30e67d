"""Status and kind values of the organisation (plan §二(二), §四, §六(四))."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """Kinds of township unit; the values match ``plans.schema.UnitKind``."""

    PEACE_OFFICE = "peace_office", _("Peace office")  # 平安办: leads the work, keeps the ledger
    POLICE_STATION = "police_station", _("Police station")  # 派出所
    LAW_ENFORCEMENT_BRIGADE = (
        "law_enforcement_brigade",
        _("Law-enforcement brigade"),
    )  # 综合执法大队
    VILLAGE = "village", _("Village (community)")  # 村（社区）
    OFFICE = "office", _("Office, station or centre")  # 办、所、中心


class Role(models.TextChoices):
    """A user's role in Yingji; what each role may do is in ``orgs.permissions``."""

    HEAD = "head", _("Leading-group head")  # 组长: receives reports, activates the plan
    DEPUTY = "deputy", _("Deputy head")  # 副组长: leads task forces, approves extensions
    MEMBER = "member", _("Leading-group member")  # 组员
    PEACE_OFFICE_HEAD = (
        "peace_office_head",
        _("Peace office head"),
    )  # 平安办负责人: keeps the organisation
    PEACE_OFFICE_STAFF = (
        "peace_office_staff",
        _("Peace office staff"),
    )  # 平安办工作人员: ledger, reports
    TASK_FORCE_MEMBER = "task_force_member", _("Task-force member")  # 工作专班成员: on scene
    AUDITOR = "auditor", _("Auditor")  # 审计员: reads, changes nothing
    ADMIN = "admin", _("System administrator")  # 系统管理员


#: Roles that take part in handling a matter (plan §四: the leading group, the peace office,
#: the units' staff), so may sit in a task force (工作专班) or lead it. Not the auditor, who
#: oversees and changes nothing, nor the system administrator, who keeps accounts.
HANDLING_ROLES = frozenset(
    {
        Role.HEAD,
        Role.DEPUTY,
        Role.MEMBER,
        Role.PEACE_OFFICE_HEAD,
        Role.PEACE_OFFICE_STAFF,
        Role.TASK_FORCE_MEMBER,
    }
)


class Seat(models.TextChoices):
    """Seats of the leading group (plan §四); keys match the plan's seat keys."""

    HEAD = "head", _("Head")  # 组长
    DEPUTY = "deputy", _("Deputy head")  # 副组长
    MEMBER = "member", _("Member")  # 组员
