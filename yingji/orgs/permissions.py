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
    # See petition cases, never petitioners' details (lists filtered: a report case is hidden from the unit it accuses, Art. 30).
    "petitions.view": EVERYONE,
    # Decide acceptance, route a case on, object to a transfer, record review requests (Art. 22, 23, 35, 36).
    "petitions.decide": frozenset(
        {Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD, Role.HEAD, Role.DEPUTY}
    ),
    # Name the five-ones of a case (plan §七(一)).
    "petitions.assign": frozenset({Role.PEACE_OFFICE_HEAD, Role.HEAD, Role.DEPUTY}),
    # Work a case one handles: start resolution, ask for an extension, write replies and opinions, record deliveries.
    "petitions.handle": STAFF,
    # Approve or refuse the one extension (Art. 34: the head of the handling body).
    "petitions.approve_extension": frozenset({Role.HEAD, Role.DEPUTY}),
    #
    # --- reports (reports) ---
    #
}


def roles_with(permission: str) -> frozenset[Role]:
    """Return the roles holding ``permission``; raises ``KeyError`` for an unknown permission name."""
    return PERMISSIONS[permission]
