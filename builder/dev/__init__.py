"""Developer tools: golden plans and conformance fixtures."""
