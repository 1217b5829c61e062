"""Catalog upkeep: `python translations/catalog.py COMMAND`.

  missing LOCALE        list msgids with no translation in LOCALE
  apply LOCALE FILE     set translations from a JSON object {msgid: msgstr} (msgstr a list for plurals)
  fill-en               English is the source language: copy each msgid into the en catalog
  fill-hant             derive missing zh_Hant entries from zh_Hans with OpenCC (s2t) plus the corrections below

The zh_Hant output should still be read by a person; add any wrong conversion to CORRECTIONS.
"""
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent
# Characters OpenCC leaves alone because they are ambiguous in general, but not in our texts.
CORRECTIONS = {"云溪": "雲溪", "云端": "雲端", "只能": "只能"}


def path_of(locale: str) -> Path:
    return ROOT / locale / "LC_MESSAGES" / "messages.po"


def load(locale: str):
    with open(path_of(locale), "rb") as handle:
        return read_po(handle, locale=locale)


def save(locale: str, catalog) -> None:
    with open(path_of(locale), "wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False, sort_output=True)


def _translated(message) -> bool:
    if isinstance(message.string, (list, tuple)):
        return all(message.string)
    return bool(message.string)


def missing(locale: str) -> list[str]:
    return [m.id if isinstance(m.id, str) else m.id[0] for m in load(locale) if m.id and not _translated(m)]


def apply(locale: str, source: str) -> int:
    catalog = load(locale)
    entries = json.loads(Path(source).read_text(encoding="utf-8"))
    count = 0
    for message in catalog:
        key = message.id if isinstance(message.id, str) else message.id[0]
        if message.id and key in entries:
            value = entries[key]
            message.string = tuple(value) if isinstance(message.id, tuple) and isinstance(value, list) else (
                (value,) if isinstance(message.id, tuple) else value)
            message.flags.discard("fuzzy")
            count += 1
    save(locale, catalog)
    return count


def fill_en() -> int:
    catalog = load("en")
    for message in catalog:
        if message.id:
            message.string = tuple(message.id) if isinstance(message.id, tuple) else message.id
            message.flags.discard("fuzzy")
    save("en", catalog)
    return len(catalog)


def fill_hant() -> int:
    from opencc import OpenCC

    convert = OpenCC("s2t").convert
    source = load("zh_Hans")
    target = load("zh_Hant")
    count = 0
    for message in target:
        if not message.id or _translated(message):
            continue
        original = source.get(message.id)
        if original is None or not _translated(original):
            continue

        def to_hant(text: str) -> str:
            text = convert(text)
            for wrong, right in CORRECTIONS.items():
                text = text.replace(convert(wrong), right).replace(wrong, right)
            return text

        strings = original.string
        message.string = tuple(to_hant(s) for s in strings) if isinstance(strings, tuple) else to_hant(strings)
        message.flags.discard("fuzzy")
        count += 1
    save("zh_Hant", target)
    return count


if __name__ == "__main__":
    command, *args = sys.argv[1:] or ["help"]
    if command == "missing":
        print("\n".join(missing(args[0])))
    elif command == "apply":
        print(f"{apply(args[0], args[1])} set")
    elif command == "fill-en":
        print(f"{fill_en()} copied")
    elif command == "fill-hant":
        print(f"{fill_hant()} converted")
    else:
        print(__doc__)
