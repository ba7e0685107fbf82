"""Figures, imports and exports as plain functions the pages, the API, the CLI and jobs call."""
