"""Printed matter as PDF: invitation letters and one-stop-desk posters, rendered by WeasyPrint from the same
templates as their print-ready HTML pages, one letter per page.

Nothing is fetched while rendering: the QR codes are ``data:`` URLs made by segno, the styles are in the
template, the fonts come from the system's fontconfig (DejaVu Sans has every Vietnamese glyph), and the URL
fetcher refuses every other scheme, so a PDF never reaches the network or the file system (a letter's text comes
from a survey title and unit names that staff typed).
"""

from __future__ import annotations

from functools import cache


@cache
def only_data_urls():
    """WeasyPrint's fetcher for ``data:`` URLs only (the QR codes): http(s):, file: and every other scheme are
    refused before any request. Imported on first use: WeasyPrint (and Pango under it) costs every command and
    worker start-up a noticeable moment, and only these downloads need it."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",))


def pdf_from_html(html: str) -> bytes:
    """The PDF of a complete HTML document rendered for print (A4 pages as its ``@page`` rule says)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=None, url_fetcher=only_data_urls()).write_pdf()
