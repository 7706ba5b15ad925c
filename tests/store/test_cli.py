"""``python -m lukou_geo layers …``: import, list (text and JSON), export with --where, remove; errors exit 2."""

from __future__ import annotations

import json

import pyogrio
import pytest

from lukou_geo.__main__ import main
from lukou_geo.errors import StoreError
from lukou_geo.store.cli import parse_where
from tests.store.layers import parcels, write


@pytest.fixture
def env(store_url, monkeypatch):
    monkeypatch.setenv("LUKOU_STORE", store_url)
    return store_url


def test_import_list_export_remove(env, tmp_path, capsys):
    path = write(parcels(3, 2), "shpzip", tmp_path / "in", crs="EPSG:4526", cpg=False)
    assert main(["layers", "import", str(path), "--id", "dltb", "--title", "三调图斑(合成)", "--user", "张三"]) == 0
    out, err = capsys.readouterr()
    assert "已导入图层 dltb" in out and "imported layer dltb" in out and "读取 6" in out
    assert "%]" in err and "写入要素" in err  # progress on stderr
    assert main(["layers", "list"]) == 0
    out, _ = capsys.readouterr()
    assert "dltb\t三调图斑(合成)\tdltb\t6\tEPSG:4526" in out
    assert main(["layers", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["id"] == "dltb" and listed[0]["imported_by"] == "张三" and len(listed[0]["sha256"]) == 64
    assert {f["name"] for f in listed[0]["fields"]} >= {"DLBM", "DLMC", "TBMJ"}
    assert listed[0]["encoding"] == "GBK" and listed[0]["imported_at"]
    out_file = tmp_path / "farm.gpkg"
    assert main(["layers", "export", "dltb", "--format", "gpkg", "--out", str(out_file), "--where", "lk_code^=01",
                 "--where", "DLMC=水田"]) == 0
    assert pyogrio.read_dataframe(out_file)["lk_fid"].tolist() == [1, 5]
    assert main(["layers", "remove", "dltb", "--user", "张三"]) == 0
    assert main(["layers", "remove", "dltb", "--user", "张三"]) == 2
    assert "dltb" in capsys.readouterr().err


def test_errors_are_messages(env, tmp_path, capsys):
    assert main(["layers", "import", str(tmp_path / "missing.gdb"), "--user", "a"]) == 2
    err = capsys.readouterr().err
    assert "missing.gdb" in err and "文件不存在" in err and "Traceback" not in err


def test_parse_where():
    flt, fids = parse_where(["lk_code^=01", "text=渌口", "bbox=113,27,114,28", "XZQDM=430212", "fid=1,2"])
    assert (flt.code_prefix, flt.text, flt.bbox, flt.equals, fids) == ("01", "渌口", (113.0, 27.0, 114.0, 28.0), (("XZQDM", "430212"),), [1, 2])
    for bad in ("nonsense", "bbox=1,2", "DLMC^=x"):
        with pytest.raises(StoreError, match="--where"):
            parse_where([bad])
