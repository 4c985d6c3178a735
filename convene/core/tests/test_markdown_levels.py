"""Markdown shown under a page's own headings starts its headings lower (issue 12: minutes under h2)."""

from convene.core.markdown import render_markdown


def test_headings_start_at_the_level_asked_and_stop_at_h6():
    html = render_markdown("# Minutes\n\n## Notes\n\n###### Deep", top_level=3)
    assert "<h3>Minutes</h3>" in html
    assert "<h4>Notes</h4>" in html
    assert "<h6>Deep</h6>" in html


def test_the_outermost_heading_written_gets_the_level_asked():
    assert "<h3>Notes</h3>" in render_markdown("## Notes\n\ntext", top_level=3)


def test_by_default_headings_are_as_written():
    assert "<h1>Minutes</h1>" in render_markdown("# Minutes")
