"""The catalogs: every marked string has a zh_CN translation, the compiled .mo files are
those of the .po files, translations keep their placeholders, and no template shows text
that is not marked for translation."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.i18n.bare_text import bare_text
from tests.support import ROOT
from web.templating import TEMPLATES_DIR, templates

pytestmark = pytest.mark.nodb

CATALOGS = ROOT / "app" / "i18n" / "translations"
PO = CATALOGS / "zh_CN" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}|%%")


def extract(tmp_path: Path) -> list[str]:
    """The message ids of the sources now, extracted as ``make i18n`` does."""
    keywords = re.search(r"^I18N_KEYWORDS := (.*)$", (ROOT / "Makefile").read_text(), re.M)
    assert keywords, "the Makefile names the extraction keywords"
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [
            str(pybabel),
            "extract",
            "-F",
            "babel.cfg",
            *keywords.group(1).split(),
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        return [m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id]


def catalog() -> dict[str, str]:
    with PO.open("rb") as fh:
        po = read_po(fh, locale="zh_CN")
    found: dict[str, str] = {}
    for message in po:
        if message.id:
            key = message.id if isinstance(message.id, str) else message.id[0]
            text = message.string if isinstance(message.string, str) else message.string[0]
            found[key] = text or ""
    return found


def test_every_marked_string_has_a_chinese_translation(tmp_path: Path) -> None:
    translated = catalog()
    untranslated = sorted({m for m in extract(tmp_path) if not translated.get(m)})
    assert not untranslated, (
        f"run `make i18n` and translate these in {PO.relative_to(ROOT)}: {untranslated}"
    )


def test_translations_keep_their_placeholders() -> None:
    wrong = {
        msgid: text
        for msgid, text in catalog().items()
        if text and sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text))
    }
    assert not wrong


def test_the_shipped_mo_is_compiled_from_the_po() -> None:
    with PO.open("rb") as fh:
        po = read_po(fh, locale="zh_CN")
    compiled = io.BytesIO()
    write_mo(compiled, po)
    assert MO.read_bytes() == compiled.getvalue(), "run `make i18n` to compile the catalog"


def test_templates_show_no_unmarked_text() -> None:
    found = [
        str(item)
        for path in sorted(TEMPLATES_DIR.rglob("*.html"))
        for item in bare_text(templates.env, str(path.relative_to(TEMPLATES_DIR)), path.read_text())
    ]
    assert not found, "wrap these in {{ _(...) }} or {% trans %}:\n" + "\n".join(found)


def test_the_lint_sees_bare_text_and_accepts_marked_text() -> None:
    env = templates.env
    source = (
        '<p title="Hello there">{{ _("Fine") }} Buy {{ n }} now</p>'
        "{% trans n=3 %}{{ n }} left{% endtrans %}<script>var x = 'words here';</script>"
        "<span>{{ price }} · 12 % · livemart</span>"
    )
    texts = [item.text for item in bare_text(env, "t.html", source)]
    assert texts == ["title=Hello there", "Buy now"]
