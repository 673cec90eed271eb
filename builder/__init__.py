"""Peer Support Readiness Toolkit: questionnaire engine, plan and document builder."""

__version__ = "1.0.0"
