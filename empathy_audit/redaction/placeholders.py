"""The kinds of personal data redaction replaces, as its placeholders name them (``<EMAIL_1>``).
Apart from text.py so that the cue rules, which read placeholders as words, need not load
the redactor's patterns."""
EMAIL, PHONE, CARD, ACCOUNT, HANDLE, QUERY, ADDRESS, PERSON, USERNAME, IP, BIRTHDATE = (
    "EMAIL", "PHONE", "CARD", "ACCOUNT", "HANDLE", "QUERY", "ADDRESS", "PERSON", "USERNAME",
    "IP", "BIRTHDATE")
KINDS = (EMAIL, PHONE, CARD, ACCOUNT, HANDLE, QUERY, ADDRESS, PERSON, USERNAME, IP, BIRTHDATE)
# Kinds whose value is (usually) one word, as its placeholder is for the engagement cue; the
# others are numbers or @handles, no word at all, and so are their placeholders.
WORD_KINDS = (EMAIL, PERSON, USERNAME)
