"""A plain `pytest` in a fresh clone (no .mo files are committed) compiles the catalogs before testing."""

import shutil

import pytest
from babel.support import Translations

from tests.conftest import TRANSLATIONS, compile_catalogs

pytestmark = pytest.mark.no_db


def test_catalogs_without_mo_files_are_compiled_and_then_left_alone(tmp_path):
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy, ignore=shutil.ignore_patterns("*.mo"))

    compiled = compile_catalogs(copy)

    assert sorted(mo.parents[1].name for mo in compiled) == ["en", "zh_Hans_CN"]
    assert Translations.load(str(copy), ["zh_Hans_CN"]).gettext("Log in") == "登录"
    assert compile_catalogs(copy) == []
