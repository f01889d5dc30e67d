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
    # See the deadlines of the township ("What is due", the strips on each matter).
    "deadlines.view": EVERYONE,
    # The worker's steps: remind, record a breach, escalate (the system actor only).
    "deadlines.run": frozenset(),
    # Acknowledge an escalated breach, which stops the escalation (DESIGN.md §4).
    "deadlines.acknowledge": frozenset(
        {Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD, Role.HEAD, Role.DEPUTY, Role.ADMIN}
    ),
    # Read one's own in-app notifications and choose one's own channels.
    "notify.own": EVERYONE,
    # See every delivery of the township, with the dead letters and their last error; retry them.
    "notify.deliveries": frozenset({Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD, Role.ADMIN}),
    # Configure the township's channels (webhook, robots, SMS gateway).
    "notify.configure": frozenset({Role.PEACE_OFFICE_HEAD, Role.ADMIN}),
    #
    # --- early-warning ledger (earlywarning) ---
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
