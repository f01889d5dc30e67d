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
    # Create logins, lift login lockouts and reset second factors of members.
    "orgs.manage_accounts": frozenset({Role.PEACE_OFFICE_HEAD, Role.ADMIN}),
    # Publish a plan version and put it in force.
    "plans.publish": frozenset({Role.PEACE_OFFICE_HEAD, Role.ADMIN}),
    # Import a plan document as a draft and review its items (publishing needs plans.publish).
    "plans.import": frozenset({Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD, Role.ADMIN}),
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
    #
    # --- reports (reports) ---
    #
}


#: Roles that must pass a time-based one-time password (TOTP) at login (等保2.0 双因素认证).
SECOND_FACTOR_ROLES: frozenset[Role] = frozenset(
    {Role.HEAD, Role.DEPUTY, Role.PEACE_OFFICE_HEAD, Role.ADMIN}
)


def roles_with(permission: str) -> frozenset[Role]:
    """Return the roles holding ``permission``; raises ``KeyError`` for an unknown permission name."""
    return PERMISSIONS[permission]
