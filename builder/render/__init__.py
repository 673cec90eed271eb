"""Renderers: plan to Markdown, HTML, PDF and DOCX; charts and diagrams."""
