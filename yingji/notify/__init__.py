"""Notifications (通知): the outbox, the channels and their delivery (DESIGN.md §4)."""
