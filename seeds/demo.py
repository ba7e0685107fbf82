"""Loads the demo town. Idempotent: what is already there (by its natural key) is left alone."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from volunteer_app.accounts import services as accounts
from volunteer_app.accounts.models import User
from volunteer_app.core.policy import SYSTEM
from volunteer_app.extensions import db

DATA = Path(__file__).with_name("lishui.json")


def load_demo() -> list[str]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    report = []
    for spec in data["users"]:
        if db.session.scalar(sa.select(User.id).where(User.username == spec["username"])):
            continue
        accounts.create_user(
            SYSTEM,
            username=spec["username"],
            password=spec["password"],
            display_name=spec["display_name"],
            roles=[accounts.RoleSpec.parse(spec["role"], spec.get("scope"))],
            phone=spec.get("phone"),
        )
        report.append(f"user {spec['username']} ({spec['role']})")
    return report or ["demo data already present; nothing added"]
