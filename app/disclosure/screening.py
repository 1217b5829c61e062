"""Spotting an application that is really a pollution complaint (art. 39: complaints are not disclosure
requests and go to the tip channel). Pure code."""

# Words that point to a complaint or tip about pollution rather than a request for a document.
COMPLAINT_WORDS = ("举报", "舉報", "投诉", "投訴", "偷排", "排放", "污染", "噪声", "噪聲", "噪音", "臭味", "异味",
                   "異味", "恶臭", "惡臭", "冒黑烟", "冒黑煙", "黑烟", "黑煙", "扰民", "擾民")


def complaint_words(text: str) -> list[str]:
    """The complaint words found in text, in the order of COMPLAINT_WORDS, without repeats."""
    text = text or ""
    return [word for word in COMPLAINT_WORDS if word in text]


def looks_like_complaint(text: str) -> bool:
    """True when the text reads like a complaint about pollution; the applicant may still submit it."""
    return bool(complaint_words(text))
