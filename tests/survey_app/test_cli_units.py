"""``parsurvey units load``: a sample frame is loaded whole, or not at all with every problem named."""

from __future__ import annotations

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Unit

HEADER = "code,name_vi,name_en,level,parent_code\n"
GOOD = HEADER + (
    "HP-HB,Quận Hồng Bàng,Hong Bang,district,HP\n"  # a child may come before its parent
    "HP,Hải Phòng,Hai Phong,province,\n"
    "HP-SNV,Sở Nội vụ,,department,HP\n"
    "HP-HB-HVT,Phường Hoàng Văn Thụ,,commune,HP-HB\n"
)


def write(tmp_path, text, name="units.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def units(app) -> dict[str, tuple]:
    with app.app_context():
        return {u.code: (u.name_vi, u.name_en, u.level, u.parent.code if u.parent else None)
                for u in db.session.scalars(sa.select(Unit))}


def test_a_sample_frame_is_loaded_with_its_hierarchy(app, runner, tmp_path):
    result = runner.invoke(args=["units", "load", str(write(tmp_path, GOOD))])
    assert result.exit_code == 0, result.output
    assert "4 unit(s) created, 0 updated" in result.output
    loaded = units(app)
    assert loaded["HP-HB-HVT"] == ("Phường Hoàng Văn Thụ", None, "commune", "HP-HB")
    assert loaded["HP"] == ("Hải Phòng", "Hai Phong", "province", None)


def test_loading_again_updates_names_without_duplicating(app, runner, tmp_path):
    runner.invoke(args=["units", "load", str(write(tmp_path, GOOD))])
    renamed = GOOD.replace("Sở Nội vụ,,", "Sở Nội vụ TP,Home Affairs,")
    result = runner.invoke(args=["units", "load", str(write(tmp_path, renamed, "again.csv"))])
    assert "0 unit(s) created, 4 updated" in result.output
    assert units(app)["HP-SNV"][:2] == ("Sở Nội vụ TP", "Home Affairs")
    assert len(units(app)) == 4


def test_every_bad_row_is_named_by_file_row_and_field_and_nothing_is_written(app, runner, tmp_path):
    bad = HEADER + (
        "HP,Hải Phòng,,province,\n"
        "HP-SNV,,,department,HP\n"          # row 3: no Vietnamese name
        "HP-X,Sở X,,ministry,HP\n"          # row 4: unknown level
        "HP-HB,Hồng Bàng,,district,ZZ\n"    # row 5: unknown parent
        "HP-C,Xã C,,commune,HP\n"           # row 6: a commune's parent must be a district
        "HP,Trùng,,province,\n"             # row 7: duplicate code
    )
    path = write(tmp_path, bad)
    result = runner.invoke(args=["units", "load", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"{path}:3: name_vi: the Vietnamese name is required" in lines
    assert any(line.startswith(f"{path}:4: level: 'ministry'") for line in lines)
    assert any(line.startswith(f"{path}:5: parent_code: unknown unit 'ZZ'") for line in lines)
    assert any(line.startswith(f"{path}:6: parent_code: 'HP' is a province") for line in lines)
    assert any(line.startswith(f"{path}:7: code: 'HP' already used on row 2") for line in lines)
    assert "nothing was loaded" in result.output
    assert units(app) == {}


def test_a_file_with_missing_columns_or_not_in_utf8_is_refused_clearly(app, runner, tmp_path):
    result = runner.invoke(args=["units", "load", str(write(tmp_path, "code,name\nHP,Hải Phòng\n"))])
    assert result.exit_code == 1
    assert ":1: missing column(s): name_vi, name_en, level, parent_code" in result.output
    latin = write(tmp_path, HEADER + "CM,Cà Mau,,province,\n", "latin.csv", encoding="latin-1")
    result = runner.invoke(args=["units", "load", str(latin)])
    assert result.exit_code == 1 and "not UTF-8" in result.output
    result = runner.invoke(args=["units", "load", str(tmp_path / "absent.csv")])
    assert result.exit_code == 1 and "cannot be read" in result.output
    assert units(app) == {}
