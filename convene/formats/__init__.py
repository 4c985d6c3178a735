"""Date formats per language (settings.FORMAT_MODULE_PATH): one unambiguous form everywhere.

A date is never written with numbers only ("09/01/2025" is 9 January in Paris and 1 September in
New York): the month is a word, abbreviated in the viewer's language, for the long and the short
format alike. Formats not set here are Django's for the language.
"""
