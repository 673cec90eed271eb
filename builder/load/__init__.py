"""Files to validated models: YAML/JSON with line numbers, the project's folders, planning data."""
