"""The translation catalogs: complete, up to date with the source, placeholders intact, and really used.

Source strings are English; the default language is Chinese. After adding or changing a string run
`scripts/translations update`, translate the new entries, then `scripts/translations compile`.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.support import Translations
from flask_babel import refresh

from config import Config
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "translations"
TRANSLATIONS = ROOT / "volunteer_app" / "translations"
# Flask-Babel parses "zh_CN" into zh_Hans_CN and gettext looks for that directory (then "zh"), never "zh_CN".
ZH_DIR = str(Locale.parse(Config.BABEL_DEFAULT_LOCALE))
ZH_PO = TRANSLATIONS / ZH_DIR / "LC_MESSAGES" / "messages.po"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"

UPDATE_HINT = "run `scripts/translations update`, then translate the new entries in " + str(ZH_PO.relative_to(ROOT))

# %(name)s, %(n)d, %s, %5.2f, %% ...
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?([a-zA-Z%])")


def read_catalog(path: Path) -> Catalog:
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: {UPDATE_HINT}"
    with path.open("rb") as handle:
        return read_po(handle)


def entries(catalog: Catalog):
    """Every real message (not the header), as (msgid, msgstr), singular and plural forms alike."""
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        yield message, ids, strings


def placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text))


def msgid_key(message) -> tuple:
    return (message.context, message.id if isinstance(message.id, tuple) else (message.id,))


@pytest.fixture(scope="module")
def zh() -> Catalog:
    return read_catalog(ZH_PO)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Catalog:
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    result = subprocess.run(
        ["bash", str(SCRIPT), "extract", str(pot)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, f"extraction failed:\n{result.stdout}\n{result.stderr}"
    return read_catalog(pot)


@pytest.mark.no_db
def test_every_chinese_entry_is_translated_and_none_is_fuzzy(zh):
    assert not zh.fuzzy, f"the header of {ZH_PO.relative_to(ROOT)} is marked fuzzy, so it would not be compiled"
    untranslated = [ids[0] for _m, ids, strings in entries(zh) if not all(s.strip() for s in strings)]
    fuzzy = [ids[0] for message, ids, _s in entries(zh) if message.fuzzy]
    assert not untranslated, f"{len(untranslated)} entries without a Chinese translation: {untranslated}"
    assert not fuzzy, f"fuzzy entries (check the translation, then remove the '#, fuzzy' line): {fuzzy}"
    assert len(list(entries(zh))) > 50


@pytest.mark.no_db
def test_the_catalog_is_up_to_date_with_the_source(zh, extracted):
    in_catalog = {msgid_key(m) for m in zh if m.id}
    in_source = {msgid_key(m) for m in extracted if m.id}
    missing = sorted(str(key[1][0]) for key in in_source - in_catalog)
    assert not missing, f"{len(missing)} source strings are not in the Chinese catalog ({UPDATE_HINT}): {missing}"
    stale = sorted(str(key[1][0]) for key in in_catalog - in_source)
    assert not stale, f"strings no longer in the source are still in the catalog ({UPDATE_HINT}): {stale}"


@pytest.mark.no_db
def test_the_extraction_finds_python_lazy_strings_and_template_strings(extracted):
    """Guards babel.cfg and the keywords: a lost extractor would make the up-to-date test pass vacuously."""
    locations = {path for message in extracted for path, _line in message.locations}
    assert any(path.endswith(".html") for path in locations), "no msgids found in the Jinja templates"
    ids = {message.id for message in extracted}
    assert "Administrator" in ids, "lazy_gettext (_l) strings are not extracted"
    assert "Wrong username or password." in ids, "gettext (_) strings are not extracted"


@pytest.mark.no_db
@pytest.mark.parametrize("path", [ZH_PO, EN_PO], ids=["zh", "en"])
def test_placeholders_in_translations_match_the_source(path):
    wrong = []
    for _message, ids, strings in entries(read_catalog(path)):
        expected = placeholders(ids[0]) if len(ids) == 1 else placeholders(ids[-1])
        for string in strings:
            if string and placeholders(string) != expected:
                wrong.append(f"{ids[0]!r} -> {string!r}")
    assert not wrong, "placeholders such as %(name)s must be kept exactly:\n" + "\n".join(wrong)


@pytest.mark.no_db
@pytest.mark.parametrize("code", sorted(set(Config.LANGUAGES) - {"en"}))
def test_each_language_has_a_compiled_catalog_where_flask_babel_looks(code):
    locale = Locale.parse(code)
    po = TRANSLATIONS / str(locale) / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    assert po.is_file(), f"Flask-Babel looks for {code} in {po.relative_to(ROOT)}; that file does not exist"
    assert mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime, (
        f"{mo.relative_to(ROOT)} is missing or older than the .po: run `scripts/translations compile`"
    )
    translations = Translations.load(str(TRANSLATIONS), [locale])
    assert translations.gettext("Log in") != "Log in", f"the {code} catalog is not loaded or not translated"


@pytest.mark.no_db
def test_the_login_page_is_chinese_by_default_and_english_after_switching(client):
    """no_db: anonymous pages only. It also keeps the conftest's per-test app context away, so each request gets
    its own `g`, as in production; Flask-Babel caches the locale in `g` and a shared one would keep Chinese."""
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "登录" in page
    assert "Log in" not in page

    response = client.post("/language", data={"lang": "en"})
    assert response.status_code == 302
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Log in" in page
    assert "登录" not in page

    client.post("/language", data={"lang": "zh_CN"})
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_a_wrong_password_is_refused_in_chinese_by_default(client, make_user):
    user = make_user("volunteer")
    response = client.post("/login", data={"login": user.username, "password": PASSWORD + "-wrong"})
    assert response.status_code == 422
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_a_wrong_password_is_refused_in_english_once_chosen(client, make_user):
    user = make_user("volunteer")
    client.post("/language", data={"lang": "en"})
    refresh()  # the requests share the test's app context, hence `g`, where Flask-Babel caches the locale
    response = client.post("/login", data={"login": user.username, "password": PASSWORD + "-wrong"})
    assert response.status_code == 422
    assert "Wrong username or password." in response.get_data(as_text=True)


def test_role_names_on_the_home_page_are_translated(client, make_user, login):
    login(make_user("station_supervisor"))
    page = client.get("/").get_data(as_text=True)
    assert "社工站（点）负责人" in page
    assert "退出登录" in page


def test_each_request_takes_its_language_parsed_once_per_process(app):
    """Babel's Locale.parse looks a string up among every locale it knows, twice a request (issue #16's profile:
    ~0.5 ms of a page); the selector answers with a Locale parsed once, which Flask-Babel takes as it is."""
    from flask_babel import get_locale

    from volunteer_app.core import languages

    for header, code in (("en", "en"), ("zh-CN", "zh_CN"), ("en", "en")):
        with app.test_request_context(headers={"Accept-Language": header}):
            refresh()  # the test's app context outlives each request: forget the language chosen before
            assert get_locale() is languages.parsed(code)
