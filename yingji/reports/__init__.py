"""Reports (报告): see DESIGN.md §3; built by a later issue."""
