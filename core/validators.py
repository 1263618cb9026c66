"""Shared input rules, for every form and for the coming import:

    normalize_number("３２０９ ８１-１９８０")   -> "320981980"   (digits of any script, no separators)
    normalize_phone("+86 138-0000-0000")      -> "13800000000"
"""

import unicodedata

# Separators people type inside long numbers: spaces of every width, hyphens and dashes.
_SEPARATORS = {
    " ", "\u00a0", "\u3000", "\u2002", "\u2003", "\u2009", "\u202f", "\t",
    "-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\uff0d", "\ufe63",
}


def normalize_number(value):
    """A number as typed (ID, phone) in plain ASCII: every Unicode decimal digit (full-width,
    Arabic-Indic, Devanagari … — NFKC maps only the full-width ones, so each character goes
    through unicodedata.decimal) becomes 0-9, full-width letters become ASCII (NFKC), spaces
    and dashes are dropped. Letters are upper-cased (the X of an ID number). Anything else is
    kept, so that the caller's check still sees and refuses it."""
    out = []
    for ch in str(value or ""):
        if ch in _SEPARATORS:
            continue
        digit = unicodedata.decimal(ch, None)
        if digit is not None:
            out.append(str(digit))
            continue
        out.append(unicodedata.normalize("NFKC", ch))
    return "".join(out).upper()


def normalize_phone(value):
    """A mobile number as typed, in ASCII digits, without a leading +86 / 0086 country code."""
    value = normalize_number(value).replace("(", "").replace(")", "")
    for prefix in ("+86", "0086"):
        if value.startswith(prefix) and len(value) == len(prefix) + 11:
            return value[len(prefix):]
    return value
