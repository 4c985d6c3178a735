# "9. jan. 2025" (see convene/formats/__init__.py).
DATE_FORMAT = "j. N Y"
SHORT_DATE_FORMAT = "j. N Y"
DATETIME_FORMAT = "j. N Y H:i"
SHORT_DATETIME_FORMAT = "j. N Y H:i"
