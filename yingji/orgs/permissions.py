"""Who may do what: the one table of role × permission (DESIGN.md §1).

Each later capability adds its permissions here, so that the whole matrix can
be read, reviewed and tested in one place.
"""

from __future__ import annotations

from .choices import Role

STAFF = frozenset(Role) - {Role.AUDITOR}
EVERYONE = frozenset(Role)

#: permission name → the roles that hold it
PERMISSIONS: dict[str, frozenset[Role]] = {
    # Read the organisation, the roster and the plan in force.
    "orgs.view": EVERYONE,
    # Maintain units, members, leading-group seats and the duty roster.
    "orgs.manage": frozenset({Role.PEACE_OFFICE_HEAD, Role.ADMIN}),
    # Create logins and reset passwords of members.
    "orgs.manage_accounts": frozenset({Role.PEACE_OFFICE_HEAD, Role.ADMIN}),
    # Publish a plan version and put it in force.
    "plans.publish": frozenset({Role.PEACE_OFFICE_HEAD, Role.ADMIN}),
    # Read the audit log.
    "audit.view": frozenset({Role.AUDITOR, Role.ADMIN}),
    #
    # --- deadlines and notifications (deadlines, notify) ---
    #
    # --- early-warning ledger (earlywarning) ---
    # Read the ledger and export it (plan §五(二)).
    "earlywarning.view": EVERYONE,
    # Register a warning in the ledger (plan §五(二) 信息收集).
    "earlywarning.register": frozenset(
        {Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD, Role.HEAD, Role.DEPUTY}
    ),
    # Verify or dismiss a warning, report it to the head (plan §五(三)), import a ledger.
    "earlywarning.verify": frozenset({Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD}),
    "earlywarning.report": frozenset({Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD}),
    "earlywarning.import": frozenset({Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD}),
    # Grade urgency × harm, form the task force, mark controlled / resolved (plan §五(四)).
    "earlywarning.assess": frozenset({Role.HEAD, Role.DEPUTY, Role.MEMBER, Role.PEACE_OFFICE_HEAD}),
    "earlywarning.handle": frozenset(
        {Role.HEAD, Role.DEPUTY, Role.MEMBER, Role.PEACE_OFFICE_HEAD, Role.PEACE_OFFICE_STAFF}
    ),
    # Write a progress entry of the early handling (task-force members too).
    "earlywarning.progress": STAFF,
    # Escalate a warning to an incident or convert it to a petition case.
    "earlywarning.escalate": frozenset(
        {Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD, Role.HEAD, Role.DEPUTY}
    ),
    #
    # --- incidents (incidents) ---
    # Register an incident received (plan §六(二)).
    "incidents.receive": frozenset(
        {Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD, Role.HEAD, Role.DEPUTY}
    ),
    #
    # --- petition cases (petitions) ---
    # Register a petition case received (《信访工作条例》 Art. 17–22).
    "petitions.receive": frozenset({Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD}),
    #
    # --- reports (reports) ---
    #
}


def roles_with(permission: str) -> frozenset[Role]:
    """Return the roles holding ``permission``; raises ``KeyError`` for an unknown permission name."""
    return PERMISSIONS[permission]
