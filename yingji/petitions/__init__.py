"""Petition cases (信访事项): see DESIGN.md §3; built by a later issue."""
