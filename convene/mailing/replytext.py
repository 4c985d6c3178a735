"""The new words of an e-mail reply: quoted text, the "On … wrote:" line, Outlook's header block and
the signature cut off. No reply-parsing library is installed (email-reply-parser, mail-parser-reply),
so this is a small stripper for the mail programs members use (Thunderbird, Gmail, Outlook, Apple
Mail) in the site's languages (en, fr, es, pt, da)."""

import re
from html.parser import HTMLParser

# "On Tue, 1 Dec 2026 at 10:00, Ana <ana@x> wrote:" and its translations. Gmail may wrap the line in
# two, so the check runs on a line joined with the next.
ATTRIBUTION = re.compile(
    r"^\s*(?:"
    r"On\b.*\bwrote\s*:"  # en
    r"|Le\b.*\ba\s+écrit\s*:"  # fr
    r"|El\b.*\bescribió\s*:"  # es
    r"|Em\b.*\bescreveu\s*:"  # pt
    r"|Den\b.*\bskrev\b.*:"  # da
    r"|.*\b(?:wrote|a écrit|escribió|escreveu|skrev)\s*:"  # Apple Mail & others: "Ana <a@x> wrote:"
    r")\s*$",
    re.IGNORECASE,
)
ORIGINAL = re.compile(
    r"^\s*(?:-{2,}\s*(?:Original Message|Message d'origine|Mensaje original|Mensagem original|"
    r"Oprindelig meddelelse|Forwarded message)\s*-{2,}|_{10,})\s*$",
    re.IGNORECASE,
)
# Outlook's block: "From: …" then "Sent:"/"Date:" within a few lines, in each language.
HEADER_FROM = re.compile(r"^\s*\*?(?:From|De|Fra|Von)\s*\*?\s*:", re.IGNORECASE)
HEADER_NEXT = re.compile(
    r"^\s*\*?(?:Sent|Date|Envoyé|Enviado|Sendt|Gesendet|Dato|Data|Fecha|To|À|Para|Til)\s*\*?\s*:",
    re.IGNORECASE,
)
SIGNATURE = re.compile(r"^(?:--|-- |__)\s*$")
MOBILE = re.compile(
    r"^\s*(?:Sent from my|Envoyé de mon|Enviado desde mi|Enviado do meu|Sendt fra min|Get Outlook for)\b",
    re.IGNORECASE,
)


def strip_reply(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        joined = line + " " + lines[index + 1] if index + 1 < len(lines) else line
        if ATTRIBUTION.match(line) or (ATTRIBUTION.match(joined) and not line.startswith(">")):
            break
        if ORIGINAL.match(line) or SIGNATURE.match(line) or MOBILE.match(line):
            break
        if HEADER_FROM.match(line) and any(HEADER_NEXT.match(n) for n in lines[index + 1 : index + 5]):
            break
        if line.startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


class _Text(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "blockquote"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "head"):
            self.skip += 1
        if tag == "blockquote":
            self.skip += 1  # a quoted message in an HTML-only reply
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script", "head", "blockquote") and self.skip:
            self.skip -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\n{3,}", "\n\n", "".join(parser.parts))
