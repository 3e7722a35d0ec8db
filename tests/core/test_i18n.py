"""The Simplified Chinese catalog: complete, well-formed, compiled, and actually used.

The catalog lives in src/shian/locale/zh_Hans/LC_MESSAGES/. Both django.po and the compiled
django.mo are committed, so that a machine without gettext still shows Chinese.

To update it after changing user-visible strings (from src/shian)::

    ../../.venv/bin/python ../../manage.py makemessages -l zh_Hans --ignore 'migrations/*' -e html,py,txt
    # translate the new / fuzzy entries in django.po, then
    ../../.venv/bin/python ../../manage.py compilemessages -l zh_Hans
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

import shian

SRC = Path(shian.__file__).resolve().parent
LC_MESSAGES = SRC / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

# printf-style placeholders: %(name)s, %(n)d, %s, %d, %.1f ... ("%%" is a literal percent sign).
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?(?P<conv>[diouxXeEfFgGcrsa%])")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# msgids whose Chinese text may legitimately contain no Chinese character (e.g. an acronym).
MAY_STAY_LATIN: set[str] = {"%(item)s: %(problem)s"}  # a pure layout string: the item and its problem are Chinese already


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False
    line: int = 0

    @property
    def where(self) -> str:
        return f"django.po:{self.line} ({', '.join(self.references[:2]) or 'no reference'})"


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader: enough of the format for what makemessages writes (standard library only)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal current, target
        if current is not None and (current.msgstr or current.msgid or current.msgid_plural):
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if current is None:
            current = Entry(line=number)
        if line.startswith("#~"):
            current.obsolete = True
            line = line[2:].strip()
            if not line or line.startswith(("#", "|")):
                continue
        elif line.startswith("#,"):
            current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        elif line.startswith("#:"):
            current.references.extend(line[2:].split())
            continue
        elif line.startswith("#"):
            continue
        if line.startswith('"'):
            assert target is not None, f"django.po:{number}: continuation line outside an entry"
            append(current, target, ast.literal_eval(line))
            continue
        keyword, _, value = line.partition(" ")
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if match:
            target = ("msgstr", int(match.group(1)))
        elif keyword in ("msgid", "msgid_plural", "msgctxt", "msgstr"):
            target = (keyword, None)
        else:
            raise AssertionError(f"django.po:{number}: cannot read {raw!r}")
        append(current, target, "", start=True)
        append(current, target, ast.literal_eval(value))
    finish()
    return entries


def append(entry: Entry, target: tuple[str, int | None], text: str, *, start: bool = False) -> None:
    keyword, index = target
    if keyword == "msgstr":
        key = index or 0
        entry.msgstr[key] = ("" if start else entry.msgstr.get(key, "")) + text
    elif keyword == "msgid":
        entry.msgid = ("" if start else entry.msgid) + text
    elif keyword == "msgid_plural":
        entry.msgid_plural = ("" if start else entry.msgid_plural or "") + text
    else:
        entry.msgctxt = ("" if start else entry.msgctxt or "") + text


def placeholders(text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for m in PLACEHOLDER.finditer(text):
        if m.group("conv") == "%":
            continue
        found[f"%({m.group('name')}){m.group('conv')}" if m.group("name") is not None else f"%{m.group('conv')}"] += 1
    return found


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO.exists(), f"{PO} is missing; run makemessages (see this module's docstring)"
    return parse_po(PO)


@pytest.fixture(scope="module")
def messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.msgid and not e.obsolete]


def header(entries: list[Entry]) -> dict[str, str]:
    head = next(e for e in entries if e.msgid == "" and not e.obsolete)
    return dict(line.split(": ", 1) for line in head.msgstr[0].splitlines() if ": " in line)


# --- (a) the .po file ------------------------------------------------------------------------


def test_header(entries: list[Entry]) -> None:
    head = header(entries)
    assert head["Language"] == "zh_Hans"
    assert "charset=UTF-8" in head["Content-Type"]
    assert head["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert "fuzzy" not in next(e for e in entries if e.msgid == "").flags


def test_catalog_is_not_trivially_small(messages: list[Entry]) -> None:
    assert len(messages) > 300


def test_every_entry_is_translated_and_not_fuzzy(messages: list[Entry]) -> None:
    problems = []
    for e in messages:
        if "fuzzy" in e.flags:
            problems.append(f"{e.where}: fuzzy: {e.msgid!r}")
        if sorted(e.msgstr) != [0]:
            problems.append(f"{e.where}: expected only msgstr{'[0]' if e.msgid_plural is not None else ''} (nplurals=1), got {sorted(e.msgstr)}")
        if not e.msgstr.get(0, "").strip():
            problems.append(f"{e.where}: untranslated: {e.msgid!r}")
        elif not CJK.search(e.msgstr[0]) and e.msgid not in MAY_STAY_LATIN:
            problems.append(f"{e.where}: no Chinese in the translation of {e.msgid!r}: {e.msgstr[0]!r}")
    assert not problems, "\n".join(problems)


def test_no_obsolete_entries(entries: list[Entry]) -> None:
    stale = [e.msgid for e in entries if e.obsolete]
    assert not stale, f"obsolete (#~) entries left in django.po: {stale}"


def test_placeholders_are_kept(messages: list[Entry]) -> None:
    problems = []
    for e in messages:
        sources = [e.msgid] + ([e.msgid_plural] if e.msgid_plural is not None else [])
        wanted = placeholders(e.msgid_plural if e.msgid_plural is not None else e.msgid)
        for src in sources:
            # blocktranslate turns {{ n }} into %(n)s; both plural forms must use the same names.
            assert set(placeholders(src)) == set(wanted), f"{e.where}: singular and plural differ: {sources}"
        for index, text in e.msgstr.items():
            if placeholders(text) != wanted:
                problems.append(f"{e.where}: msgstr[{index}] {text!r} has {dict(placeholders(text))}, msgid has {dict(wanted)}")
            if "{{" in text or "{%" in text:
                problems.append(f"{e.where}: template syntax in msgstr {text!r} (use %(name)s)")
        if "python-format" in e.flags and not wanted:
            problems.append(f"{e.where}: flagged python-format but has no placeholder")
    assert not problems, "\n".join(problems)


def test_no_duplicate_msgids(messages: list[Entry]) -> None:
    keys = Counter((e.msgctxt, e.msgid) for e in messages)
    assert not [k for k, n in keys.items() if n > 1]


# --- (b) the committed .mo matches the .po ---------------------------------------------------


def test_committed_mo_is_in_sync_with_po(tmp_path: Path) -> None:
    assert MO.exists(), f"{MO} is missing; run compilemessages (see this module's docstring)"
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed; cannot check that django.mo matches django.po")
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(PO)], check=True, capture_output=True)
    with fresh.open("rb") as f_fresh, MO.open("rb") as f_committed:
        expected = gettext.GNUTranslations(f_fresh)._catalog  # type: ignore[attr-defined]
        committed = gettext.GNUTranslations(f_committed)._catalog  # type: ignore[attr-defined]
    missing = sorted(str(k) for k in expected.keys() - committed.keys())
    changed = sorted(str(k) for k in expected.keys() & committed.keys() if expected[k] != committed[k])
    assert expected == committed, f"django.mo is out of date with django.po; run compilemessages. missing from .mo: {missing[:10]}; different: {changed[:10]}"


# --- (c) the catalog covers the source and is what Django uses -------------------------------

KEY_STRINGS = {
    "Operators": "经营者",
    "Log in": "登录",
    "Log out": "退出登录",
    "Username": "用户名",
    "Password": "密码",
    "Expiring licences": "许可证到期预警",
    "Unified social credit code": "统一社会信用代码",
    "Legal representative": "法定代表人",
    "Jurisdiction": "辖区",
    "Licence number": "许可证编号",
    "Liability insurance": "食品安全责任保险",
    "Self-inspection reports": "自查报告",
    "Food-safety manager": "食品安全管理员",
    "City regulator": "市局监管人员",
    "District regulator": "区局监管人员",
    "Station officer": "监管所人员",
    "Inspector": "执法人员",
    "Food business operator": "食品生产经营者",
    "Laboratory": "检验机构",
    "CDC / sentinel hospital": "疾控中心/哨点医院",
    "Public (consumer / volunteer)": "公众（消费者/志愿者）",
    "System administrator": "系统管理员",
}


@pytest.mark.parametrize(("english", "chinese"), KEY_STRINGS.items())
def test_key_strings_are_chinese(english: str, chinese: str) -> None:
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese
    with translation.override("en"):
        assert translation.gettext(english) == english


def test_role_labels_and_placeholders_at_runtime() -> None:
    from shian.core.access import Role

    with translation.override("zh-hans"):
        labels = {value: str(label) for value, label in Role.CHOICES}
        assert labels["city_regulator"] == "市局监管人员"
        assert all(CJK.search(label) for label in labels.values()), labels
        assert translation.ngettext("%(n)s operator", "%(n)s operators", 1) % {"n": 1} == "共 1 家经营者"
        assert translation.ngettext("%(n)s operator", "%(n)s operators", 5) % {"n": 5} == "共 5 家经营者"
        assert translation.gettext("Page %(n)s of %(total)s") % {"n": 2, "total": 9} == "第 2 页，共 9 页"
    with translation.override("en"):
        assert translation.ngettext("%(n)s operator", "%(n)s operators", 5) % {"n": 5} == "5 operators"


@pytest.mark.django_db
def test_login_page_is_chinese_by_default_and_english_on_request() -> None:
    page = Client().get("/login/").content.decode()
    assert '<html lang="zh-hans">' in page
    for text in ("登录", "用户名", "密码", "食安智慧监管平台"):
        assert text in page
    assert "Log in" not in page and "Password" not in page
    assert "用户名" in Client().get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()  # the browser alone does not switch
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    english = client.get("/login/").content.decode()
    assert "Log in" in english and "Password" in english and "用户名" not in english


def test_catalog_covers_every_msgid_in_the_source(tmp_path: Path) -> None:
    """Re-run makemessages on a copy of the source; nothing may come out new, fuzzy or untranslated.

    Fails when someone adds or changes a user-visible string without updating the catalog.
    """
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.skip("GNU gettext (xgettext, msgmerge) is not installed; cannot re-extract messages")
    copy = tmp_path / "src" / "shian"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules"))
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path / "src"),
        "DJANGO_SETTINGS_MODULE": "shian.settings",
        "SHIAN_VAR_DIR": str(tmp_path / "var"),
        "SHIAN_SECRET_KEY": "i18n-test-only",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--ignore", "migrations/*", "-e", "html,py,txt", "--no-obsolete"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    regenerated = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    before = {(e.msgctxt, e.msgid) for e in parse_po(PO) if e.msgid and not e.obsolete}
    after = [e for e in parse_po(regenerated) if e.msgid and not e.obsolete]
    new = [f"{e.msgid!r} ({', '.join(e.references[:2])})" for e in after if (e.msgctxt, e.msgid) not in before]
    untranslated = [f"{e.msgid!r} ({', '.join(e.references[:2])})" for e in after if "fuzzy" in e.flags or not e.msgstr.get(0)]
    unused = sorted(before - {(e.msgctxt, e.msgid) for e in after})
    assert not new and not untranslated, (
        f"the source has strings the catalog lacks; run makemessages, translate, compilemessages.\nnew: {new}\nuntranslated or fuzzy: {untranslated}"
    )
    assert not unused, f"the catalog has entries no source uses any more (run makemessages): {unused}"
