"""The marshmallow schemas of the needs API, one module per part (public, handling, receptions, meetings)."""
