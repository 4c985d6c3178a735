"""The results charts: pure functions from numbers to SVG, titled, described, escaped, never styled
inline, and well-formed XML."""

from decimal import Decimal
from xml.etree import ElementTree

from convene.results import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))  # noqa: S314 - the markup is our own chart's


def test_target_actual_chart_draws_bars_for_actuals_and_a_line_for_targets():
    svg = charts.target_actual_chart(
        title="Trained <people>",
        description='Targets & actuals "by quarter"',
        labels=["Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025"],
        targets=[Decimal(10), Decimal(10), None, Decimal(10)],
        actuals=[Decimal(6), None, Decimal(12), None],
        target_label="Target",
        actual_label="Actual",
        uid="ind-7",
    )
    root = parse(svg)

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "ind-7-title ind-7-desc"
    assert root.find(f"{SVG}title").text == "Trained <people>"
    assert root.find(f"{SVG}desc").text == 'Targets & actuals "by quarter"'
    assert "style" not in svg
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert [b.find(f"{SVG}title").text for b in bars] == ["Q1 2025: Actual 6", "Q3 2025: Actual 12"]
    # The missing Q3 target breaks the line: one segment Q1–Q2, Q4 alone is only a dot.
    assert len(list(root.iter(f"{SVG}polyline"))) == 1
    dots = [
        c.find(f"{SVG}title").text for c in root.iter(f"{SVG}circle") if c.find(f"{SVG}title") is not None
    ]
    assert dots == ["Q1 2025: Target 10", "Q2 2025: Target 10", "Q4 2025: Target 10"]
    # The scale: 12 at most rounds up to 20; the highest bar is 12/20 of the plot.
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] / heights[0] == 2


def test_chart_escapes_labels_and_cleans_the_id():
    svg = charts.target_actual_chart(
        title="t",
        description="d",
        labels=["<b>Q1</b>"],
        targets=[1],
        actuals=[1],
        target_label="<i>",
        actual_label="&",
        uid='x" onload="alert(1)',
    )
    assert "<b>" not in svg
    assert 'onload="' not in svg
    assert "&lt;b&gt;Q1&lt;/b&gt;" in svg
    parse(svg)


def test_bar_chart_has_no_target_in_its_legend():
    svg = charts.bar_chart(
        title="Total",
        description="By country",
        labels=["Kenya", "Zambia"],
        values=[12, None],
        value_label="Total",
    )
    root = parse(svg)
    assert not list(root.iter(f"{SVG}polyline"))
    assert not list(root.iter(f"{SVG}circle"))
    assert [
        r.find(f"{SVG}title").text for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None
    ] == ["Kenya: Total 12"]


def test_an_empty_chart_is_still_valid():
    root = parse(
        charts.target_actual_chart(
            title="Nothing",
            description="No periods",
            labels=[],
            targets=[],
            actuals=[],
            target_label="T",
            actual_label="A",
        )
    )
    assert root.find(f"{SVG}title").text == "Nothing"


def test_progress_bar():
    root = parse(charts.progress_bar(percent=Decimal(25), title="10 of 40 <ok>", uid="bar-1"))
    assert root.find(f"{SVG}title").text == "10 of 40 <ok>"
    actual = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "spark-actual")
    track = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "spark-track")
    assert float(actual.get("width")) * 4 == float(track.get("width"))  # 25 % of the track
    tick = root.find(f"{SVG}line")
    assert float(tick.get("x1")) == 1 + float(track.get("width"))  # the target ends the track
    # Beyond the target (206 %) the bar is full, never longer; the page prints the true figure.
    root = parse(charts.progress_bar(percent=Decimal(206), title="t"))
    widths = {r.get("class"): float(r.get("width")) for r in root.iter(f"{SVG}rect")}
    assert widths["spark-actual"] == widths["spark-track"] == 118
    # Moving away from the target (−20 %): an empty bar, not a negative one.
    root = parse(charts.progress_bar(percent=Decimal(-20), title="t"))
    assert next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "spark-actual").get("width") == "0.0"
    # No percentage: no bar, the tick at the end.
    root = parse(charts.progress_bar(percent=None, title="t"))
    assert [r.get("class") for r in root.iter(f"{SVG}rect")] == ["spark-track"]


def test_numbers_read_plainly():
    assert charts.fmt_number(Decimal("12.00")) == "12"
    assert charts.fmt_number(Decimal("1234.56")) == "1,234.6"
    assert charts.fmt_number(None) == "—"
