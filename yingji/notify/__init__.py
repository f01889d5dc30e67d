"""Notifications (通知): see DESIGN.md §3; built by a later issue."""
