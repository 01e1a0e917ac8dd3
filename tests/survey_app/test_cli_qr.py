"""A coordinator prints one QR code per one-stop desk; each encodes that unit's open link."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import segno


def _load_demo(runner, tmp_path):
    result = runner.invoke(args=["demo", "--codes-out", str(tmp_path / "codes.csv")])
    assert result.exit_code == 0, result.output


def _draws_a_symbol(svg_path) -> bool:
    """The SVG holds the path of dark modules, not an empty picture."""
    return ET.parse(svg_path).getroot().find("{http://www.w3.org/2000/svg}path") is not None


def test_qr_codes_are_written_for_every_unit_of_an_open_survey(app, runner, tmp_path):
    _load_demo(runner, tmp_path)
    result = runner.invoke(args=["surveys", "qr", "--survey", "sipas-2023-citizen", "--out-dir", str(tmp_path / "qr")])
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "qr").glob("*.svg"))
    assert len(files) == len(result.output.strip().splitlines()) >= 2
    for line in result.output.strip().splitlines():
        path, url = line.split()
        assert url == "http://localhost/o/sipas-2023-citizen/" + path.rsplit("_", 1)[1].removesuffix(".svg")
        root = ET.parse(path).getroot()
        assert root.find("{http://www.w3.org/2000/svg}title").text == url
        assert _draws_a_symbol(path)
        # Same symbol as segno makes for that link: version and size follow from the encoded text.
        assert root.get("width") == str(segno.make(url, error="m").symbol_size(scale=8, border=4)[0])


def test_qr_code_of_one_unit_as_png(app, runner, tmp_path):
    _load_demo(runner, tmp_path)
    result = runner.invoke(args=["surveys", "qr", "--survey", "sipas-2023-citizen", "--unit", "HP-TN",
                                 "--out-dir", str(tmp_path), "--format", "png"])
    assert result.exit_code == 0, result.output
    png = tmp_path / "sipas-2023-citizen_HP-TN.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_survey_by_invitation_gets_no_qr_code_and_a_reason(app, runner, tmp_path):
    _load_demo(runner, tmp_path)
    result = runner.invoke(args=["surveys", "qr", "--survey", "par-f02-dept-leader", "--out-dir", str(tmp_path / "q")])
    assert result.exit_code == 1
    assert "by invitation" in result.output
    assert not (tmp_path / "q").exists()


def test_an_unknown_unit_is_named(app, runner, tmp_path):
    _load_demo(runner, tmp_path)
    result = runner.invoke(args=["surveys", "qr", "--survey", "sipas-2023-citizen", "--unit", "NOPE",
                                 "--out-dir", str(tmp_path / "q")])
    assert result.exit_code == 1 and "'NOPE'" in result.output
