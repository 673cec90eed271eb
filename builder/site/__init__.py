"""The mkdocs plugin."""
