"""Clean text at the edges: C0 control characters (other than tab and newline) never enter the site, and
whatever slipped into stored data before is dropped again when written to XML or XLSX."""
import re

# C0 controls except tab (\x09) and newline (\x0a); CR is handled by normalising line ends first.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f]")
# What XML 1.0 cannot carry at all: the C0 controls above (CR survives in XML but is normalised here too),
# lone surrogates and the two non-characters U+FFFE / U+FFFF.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value):
    """The text with CR LF and lone CR turned into LF and every other C0 control removed; non-text unchanged."""
    if not isinstance(value, str):
        return value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_CHARACTERS.sub("", value)


def has_control_characters(value: str) -> bool:
    """True when clean_text would change the text (besides line ends)."""
    return CONTROL_CHARACTERS.search(value.replace("\r", "")) is not None


def xml_safe(value: str) -> str:
    """The text without the characters XML 1.0 forbids, for writers that must never produce an ill-formed file."""
    return XML_ILLEGAL.sub("", value)
