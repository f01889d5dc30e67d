"""API (API): see DESIGN.md §3; built by a later issue."""
