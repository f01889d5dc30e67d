"""Who may do what: the one table of role × permission (DESIGN.md §1).

Each later capability adds its permissions here, so that the whole matrix can
be read, reviewed and tested in one place. Which permission guards each
action, page and API operation is in ``matrix.py`` beside this table.
"""

from __future__ import annotations

from .choices import Role

STAFF = frozenset(Role) - {Role.AUDITOR}
EVERYONE = frozenset(Role)
#: who works on scene: every staff role except the system administrator
ON_SCENE = STAFF - {Role.ADMIN}

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
    # See the deadlines of the township ("What is due", the strips on each matter).
    "deadlines.view": EVERYONE,
    # The worker's steps: remind, record a breach, escalate (the system actor only).
    "deadlines.run": frozenset(),
    # Mark an import left running by a dead process interrupted, at the next start (the system only).
    "jobs.recover": frozenset(),
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
    # Read incidents, the board, the on-scene log, evidence and their files.
    "incidents.view": EVERYONE,
    # Verify an incident (true / not true) and send the verified report (plan §六(二)).
    "incidents.verify": frozenset({Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD}),
    # Activate the plan (plan §六(三)); the action also requires the head's seat or acting head.
    "incidents.activate": frozenset({Role.HEAD, Role.DEPUTY}),
    # Form the task force and add members (plan §六(四)); record check-ins for others.
    "incidents.form_task_force": frozenset({Role.HEAD, Role.DEPUTY, Role.PEACE_OFFICE_HEAD}),
    # Check in as dispatched / arrived (a task-force member, for themselves).
    "incidents.check_in": ON_SCENE,
    # On scene: tick the checklist, write the log, situation reports, evidence, parties, demands.
    "incidents.on_scene": ON_SCENE,
    # Turn a demand into a petition case or record it withdrawn (plan §七(一)).
    "incidents.settle_demand": frozenset({Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD}),
    # Close the scene (move to aftermath) and close the incident (plan §七).
    "incidents.close": frozenset({Role.HEAD, Role.DEPUTY, Role.PEACE_OFFICE_HEAD}),
    # File the summary report (plan §七(三)).
    "incidents.summary": frozenset(
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
    # Import historic petition records from a message-board or hotline export (issue 11).
    "petitions.import": frozenset({Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD}),
    #
    # --- complaints: routing suggestions and hot issues (complaints) ---
    # Train the routing model on the township's labelled history.
    "complaints.train": frozenset({Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD}),
    # Ask for, accept or correct a routing suggestion of a case.
    "complaints.route": frozenset({Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD}),
    # Find hot issues and propose them as early-warning signs; accept or dismiss a proposal.
    "complaints.hot_issues": frozenset({Role.PEACE_OFFICE_STAFF, Role.PEACE_OFFICE_HEAD}),
    #
    # --- reports (reports) ---
    # Read the statistics board and its lists, download the monthly workbook (figures of one's own township).
    "reports.view": EVERYONE,
}


#: Roles that must pass a time-based one-time password (TOTP) at login (等保2.0 双因素认证).
SECOND_FACTOR_ROLES: frozenset[Role] = frozenset(
    {Role.HEAD, Role.DEPUTY, Role.PEACE_OFFICE_HEAD, Role.ADMIN}
)


def roles_with(permission: str) -> frozenset[Role]:
    """Return the roles holding ``permission``; raises ``KeyError`` for an unknown permission name."""
    return PERMISSIONS[permission]
