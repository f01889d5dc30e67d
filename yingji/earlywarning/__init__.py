"""Early-warning ledger (预警台账): see DESIGN.md §3; built by a later issue."""
