"""Which downloads are not counted: those of robots and crawlers, told by their User-Agent.

The patterns follow the COUNTER Code of Practice's list of robots, "COUNTER-Robots"
(https://github.com/atmire/COUNTER-Robots, ``COUNTER_Robots_list.json``, MIT licence), which COUNTER
Release 5 requires reports of usage to exclude: case-insensitive regular expressions searched for
anywhere in the User-Agent. This is a selection of its broad and well-known entries (the generic words
match most of the others); to follow a new release, add its patterns here.

A request without a User-Agent is counted as a robot's (COUNTER lists ``^.?$`` and ``no_user_agent``).
COUNTER's other rule, a "double-click" (the same file by the same session within 30 seconds counts
once), is the download view's (``views.resource_download``)."""

import re

SOURCE = "https://github.com/atmire/COUNTER-Robots"

PATTERNS = (
    # The generic words: most crawlers name themselves with one of them.
    r"bot",
    r"spider",
    r"crawl",
    r"^.?$",
    r"^(unknown|undefined|user.?agent|mozilla|mozilla.4\.0|mozilla.5\.0|-|null)$",
    r"no_user_agent",
    # Search engines, archives, previews and feed readers.
    r"google",
    r"mediapartners-google",
    r"bingpreview",
    r"yahoo",
    r"slurp",
    r"yandex",
    r"baidu",
    r"sogou",
    r"coccoc",
    r"qwantify",
    r"ia_archiver",
    r"archiveteam",
    r"heritrix",
    r"nutch",
    r"lockss",
    r"alexa",
    r"facebookexternalhit/",
    r"embedly",
    r"skypeuripreview",
    r"feedfetcher",
    r"feedburner",
    r"feedreader",
    r"rss",
    r"harvest",
    r"scrapy/\d",
    r"link.?check",
    r"linkscan",
    r"linkwalker",
    r"validator",
    r"nagios",
    r"netcraft",
    # Libraries and tools that fetch files for programs, not people.
    r"curl/",
    r"libcurl",
    r"pycurl",
    r"wget",
    r"python",
    r"urllib",
    r"http.?client",
    r"httpcomponents",
    r"libwww",
    r"lwp",
    r"^java/\d",
    r"^okhttp",
    r"php/",
    r"www-mechanize",
    r"aria2/\d",
    r"httrack",
    r"webcopier",
    r"webzip",
    r"webstripper",
    r"offline(\s|\+)navigator",
    r"teleport(\s|\+)pro",
    r"getright",
    r"download(\s|\+)master",
)

ROBOTS = re.compile("|".join(f"(?:{p})" for p in PATTERNS), re.IGNORECASE)


def is_robot(user_agent: str | None) -> bool:
    """Whether a request with this User-Agent is a robot's (its downloads are not counted)."""
    return ROBOTS.search((user_agent or "").strip()) is not None
