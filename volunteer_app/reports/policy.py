"""Who may see which figures, and import or export what. Each part adds its rules below its heading."""

from __future__ import annotations

from volunteer_app.core.policy import rule  # noqa: F401

# --- figures (dashboards and the stats API)

# --- imports

# --- exports
