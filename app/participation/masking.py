"""Personal data masked in a suggestion's public text: mainland mobile numbers, landlines with their area code,
18-digit resident ID numbers and e-mail addresses become `138****5678`, `0571-****6666`, `110***********123X`,
`z***@example.com`. Pure; the moderator sees the text as sent beside the masked one and may edit it further.

Each pattern is anchored on digit boundaries, so years (2025), dates (20250601) and amounts (1,200,000 元,
3.5 亿) are left alone. An 8-digit local number without its area code is not recognised (it cannot be told from
a date or an amount); the moderator reads the text before publication."""
import re

_EMAIL = r"(?P<email_user>[A-Za-z0-9._%+-]+)@(?P<email_host>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
# 6-digit area, birth date (19xx/20xx, month, day), 3-digit sequence, check digit (X for 10).
_ID = (r"(?<![0-9A-Za-z])(?P<id>[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])"
       r"(?![0-9A-Za-z])")
# Mobile: 1[3-9]x xxxx xxxx, optionally after +86/0086/86, grouped with spaces or dashes.
_MOBILE = (r"(?<![\d.])(?:(?:\+|00)?86[\s-]?)?(?P<mobile_head>1[3-9]\d)[\s-]?(?P<mobile_mid>\d{4})[\s-]?"
           r"(?P<mobile_tail>\d{4})(?!\d|\.\d)")
# Landline: area code 0xx or 0xxx (in brackets or not), then 7 or 8 digits, grouped with a dash or space.
_LANDLINE = (r"(?<![\d.])(?P<area>\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[\s-]?(?P<local>\d{3,4}[\s-]?\d{4})"
             r"(?!\d|\.\d)")
_PATTERN = re.compile("|".join(f"(?:{part})" for part in (_EMAIL, _ID, _MOBILE, _LANDLINE)))


def _masked(match: re.Match[str]) -> str:
    if match.group("email_user"):
        user = match.group("email_user")
        return f"{user[0]}***@{match.group('email_host')}"
    if match.group("id"):
        number = match.group("id").upper()
        return number[:3] + "*" * 11 + number[-4:]
    if match.group("mobile_head"):
        return f"{match.group('mobile_head')}****{match.group('mobile_tail')}"
    local = re.sub(r"[\s-]", "", match.group("local"))
    area = match.group("area")
    joint = "" if area[0] in "(（" else "-"
    return f"{area}{joint}{'*' * (len(local) - 4)}{local[-4:]}"


def mask(text: str) -> str:
    """The text with every phone number, ID number and e-mail address masked."""
    return _PATTERN.sub(_masked, text)


def has_personal_data(text: str) -> bool:
    """Whether the text contains anything `mask` would hide."""
    return _PATTERN.search(text) is not None
