"""Workbook text is untrusted input: it is shown exactly as written, never as Markdown, HTML or a link.

One rule, applied where text enters what a person sees, one function per medium:

- `for_page(text)`: for the dashboard's pages. Streamlit's Markdown turns more than Markdown into
  formatting: it makes links of bare addresses (``https://...``, ``www...``, emails) even when every
  punctuation mark is backslash-escaped, draws ``:material/...:`` and ``:streamlit:`` as icons, and
  turns ``->`` and ``--`` into arrows and dashes. So text is not escaped for Markdown at all: it is
  HTML-escaped and placed inside an HTML block (``ui.text`` wraps it in ``<div>``/``<h1>``...),
  where Markdown does not apply; a colon before a letter is written as ``&#58;`` (the icon
  shortcodes are read from the raw source), and line breaks become ``<br>`` (a blank line would end
  the HTML block). What the browser shows is the text, character for character.
- `for_chart(text)`: for plotly titles, axes, legends and hovers, which read a little HTML
  (``<a href>``, ``<b>``, ``<br>``, entities): HTML-escaped, so none of it applies, and a "%"
  before "{" written as an entity, so a ``hovertemplate`` never reads workbook text as a ``%{...}`` placeholder.
  Chart functions escape text where it enters them (their frames and labels), then add their own
  ``<br>`` and ``<b>``.
- `for_html(text)`: for the HTML report: ``html.escape``.

Downloads (CSV) carry text as data (`export.to_safe_csv` also stops spreadsheet formulas).
"""
from __future__ import annotations

import html
import re

_COLON_BEFORE_WORD = re.compile(r":(?=\w)")


def _text(value) -> str:
    return "" if value is None else str(value)


def for_page(value) -> str:
    """HTML for a Streamlit HTML block (``st.markdown(..., unsafe_allow_html=True)``) that shows
    `value` exactly as written."""
    text = html.escape(_text(value), quote=False).replace("\r\n", "\n").replace("\r", "\n")
    return _COLON_BEFORE_WORD.sub("&#58;", text).replace("\n", "<br>")


def for_chart(value) -> str:
    """Text for plotly (titles, tick labels, legend names, hover text) that shows as written: its
    HTML escaped, and the "%" of a "%{" written as "&#37;" so that text inside a hovertemplate is
    never read as a "%{...}" placeholder (plotly turns the entity back into "%" when it draws it)."""
    return html.escape(_text(value), quote=False).replace("%{", "&#37;{")


def for_html(value) -> str:
    """Text for an HTML document (the report)."""
    return html.escape(_text(value), quote=True)
