"""Needs from raising to rating (群众点单 → 中心派单 → 志愿者接单 → 群众评单), the deputies' receptions and the
deliberation meetings whose commitments become needs."""
