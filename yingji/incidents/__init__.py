"""Incidents (突发事件): see DESIGN.md §3; built by a later issue."""
