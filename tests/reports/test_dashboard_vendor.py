"""Apache ECharts is served from our own static files, at the version scripts/vendor-echarts pins; no page of the
reports loads a script or a style from another site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "volunteer_app" / "static" / "vendor" / "echarts"

pytestmark = pytest.mark.no_db


def pinned_version() -> str:
    match = re.search(r'^VERSION="([0-9.]+)"$', (ROOT / "scripts" / "vendor-echarts").read_text(), re.MULTILINE)
    assert match, "scripts/vendor-echarts pins VERSION"
    return match[1]


def test_the_vendored_echarts_is_the_pinned_version():
    version = pinned_version()
    assert (VENDOR / "VERSION").read_text().strip() == version
    library = (VENDOR / "echarts.min.js").read_text(encoding="utf-8")
    assert f'version="{version}"' in library  # what the library itself reports as echarts.version
    assert "Apache License" in (VENDOR / "LICENSE").read_text()
    assert (VENDOR / "NOTICE").is_file()


def test_the_app_serves_it_from_its_own_static_files(client):
    response = client.get("/static/vendor/echarts/echarts.min.js")
    assert response.status_code == 200
    assert f'version="{pinned_version()}"' in response.get_data(as_text=True)


def test_no_template_loads_from_another_site():
    templates = ROOT / "volunteer_app"
    remote = re.compile(r"<(script|link)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", re.IGNORECASE)
    offending = [
        str(path.relative_to(ROOT)) for path in templates.rglob("*.html") if remote.search(path.read_text("utf-8"))
    ]
    assert offending == []
