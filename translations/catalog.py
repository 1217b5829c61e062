"""Catalog upkeep: `python translations/catalog.py COMMAND`.

  missing LOCALE        list msgids with no translation in LOCALE
  apply LOCALE FILE     set translations from a JSON object {msgid: msgstr} (msgstr a list for plurals; a msgid
                        with a context (pgettext) is written "context\\u0004msgid")
  fill-en               English is the source language: copy each msgid into the en catalog where the entry is empty
  fill-hant             derive missing zh_Hant entries from zh_Hans with OpenCC (s2t) plus the corrections below
  correct-hant          apply the corrections below to every zh_Hant entry

The zh_Hant output should still be read by a person; add any wrong conversion to CORRECTIONS.
"""
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent
# Characters OpenCC leaves alone because they are ambiguous in general, but not in our texts.
# OpenCC's s2t gives old or variant forms that Traditional Chinese as written in Taiwan does not use (審覈 for
# 審核, 公衆, 這裏, 天后 for "after N days"…); the site writes 台 (平台, as in SITE_NAME_ZH_HANT) and 污.
HANT_ARTEFACTS = {"覈": "核", "衆": "眾", "裏": "裡", "纔": "才", "羣": "群", "綫": "線", "着": "著", "爲": "為",
                  "啓": "啟", "溼": "濕", "臺": "台", "汙": "污", "僞": "偽", "峯": "峰", "牀": "床", "衞": "衛",
                  "天后": "天後", "分佈": "分布", "發佈": "發布", "公佈": "公布"}
CORRECTIONS = {"云溪": "雲溪", "云端": "雲端", "只能": "只能", **HANT_ARTEFACTS}


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
    return [_key(m) for m in load(locale) if m.id and not _translated(m)]


def _key(message) -> str:
    """The msgid (the singular of a plural) as the JSON files name it; with a context, "context\\u0004msgid"."""
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return f"{message.context}\u0004{msgid}" if message.context else msgid


def apply(locale: str, source: str) -> int:
    catalog = load(locale)
    entries = json.loads(Path(source).read_text(encoding="utf-8"))
    count = 0
    for message in catalog:
        key = _key(message) if message.id else None
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
    filled = 0
    for message in catalog:
        # Only missing entries: an English text may differ from its msgid on purpose (Chinese left out).
        if message.id and not (all(message.string) if isinstance(message.string, tuple) else message.string):
            message.string = tuple(message.id) if isinstance(message.id, tuple) else message.id
            message.flags.discard("fuzzy")
            filled += 1
    save("en", catalog)
    return filled


def fill_hant() -> int:
    from opencc import OpenCC

    convert = OpenCC("s2t").convert
    source = load("zh_Hans")
    target = load("zh_Hant")
    count = 0
    for message in target:
        if not message.id or _translated(message):
            continue
        original = source.get(message.id, context=message.context)
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


def correct_hant() -> int:
    """Apply CORRECTIONS to every zh_Hant entry (after editing them by hand or changing CORRECTIONS)."""
    catalog = load("zh_Hant")
    count = 0

    def corrected(text: str) -> str:
        for wrong, right in CORRECTIONS.items():
            text = text.replace(wrong, right)
        return text

    for message in catalog:
        if not message.id or not _translated(message):
            continue
        strings = message.string
        fixed = tuple(corrected(s) for s in strings) if isinstance(strings, tuple) else corrected(strings)
        if fixed != strings:
            message.string = fixed
            count += 1
    save("zh_Hant", catalog)
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
    elif command == "correct-hant":
        print(f"{correct_hant()} corrected")
    else:
        print(__doc__)
