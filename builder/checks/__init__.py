"""Cross-reference checks of the questionnaire and the templates."""
