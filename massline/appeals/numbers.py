"""Tracking numbers and phone numbers as people type them, folded to the stored form."""

import re
import unicodedata

TRACKING_NO = re.compile(r"([A-Z]{1,6})(\d{8})-?(\d{6})")


def normal_tracking_no(text: str) -> str:
    """What people type for a tracking number: lower case, full-width digits, spaces, a dash
    left out or typed as another dash. Text of another shape comes back as typed (upper-cased)."""
    folded = re.sub(r"[\s\-‐‑‒–—―－_]", "", unicodedata.normalize("NFKC", text)).upper()
    found = TRACKING_NO.fullmatch(folded)
    return f"{found[1]}{found[2]}-{found[3]}" if found else folded[:24]


def normal_phone(text: str) -> str:
    """A phone number as digits: full-width digits, spaces, dashes and a +86 prefix folded."""
    digits = re.sub(r"[\s\-‐‑‒–—―－()（）]", "", unicodedata.normalize("NFKC", text))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits
