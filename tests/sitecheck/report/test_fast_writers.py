"""The report writers' column-wise fast paths give the bytes of the straightforward way (the reference
written here, as the writers were before issue 15) on varied data: NaN, None, pd.NA, numpy numbers, -0.0,
infinities, formula-like text, control characters, quotes, commas, line breaks, repeated and distinct texts."""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

from lukou_geo.output import sinks
from lukou_geo.sitecheck.report import document, tables, worker

TEXTS = ['=HYPERLINK("x")', " ＝1+1", "@SUM(A1)", "<img src=x onerror=alert(1)>", "bell\x07名\x1f", "\t=x", "\r+1",
         "-2", "+3", "\u3000=1", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "", "南洲厂房", "a=b", "符合", "冲突",
         "需关注", "1-2", "&<>'\"", "$x^2$"]


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(TEXTS), n)
    floats = rng.normal(size=n) * 10.0 ** rng.integers(-8, 18, n)
    floats[rng.random(n) < 0.2] = np.nan
    if n >= 4:
        floats[:4] = [np.inf, -np.inf, 0.0, 1e16]
    repeated = np.array([TEXTS[i] for i in pick], dtype=object)
    repeated[rng.random(n) < 0.1] = None
    distinct = np.array([f"{TEXTS[i]}项目{k}" for k, i in enumerate(pick)], dtype=object)
    distinct[rng.random(n) < 0.05] = np.nan
    return pd.DataFrame({
        "no": np.arange(1, n + 1, dtype=np.int64), "name": distinct, "kind": repeated,
        "area": floats, "share": np.where(rng.random(n) < 0.5, 1.0, np.nan), "ok": rng.random(n) < 0.5,
        "small": rng.integers(0, 5, n).astype(np.int32),
        "rule": pd.array([None if i % 7 == 0 else TEXTS[i % len(TEXTS)] for i in range(n)], dtype="str"),
    })


def _reference_csv(df: pd.DataFrame, path: Path) -> None:
    (df.apply(lambda s: s.map(sinks.csv_text) if s.dtype == object or pd.api.types.is_string_dtype(s) else s)
     if len(df) else df).to_csv(path, index=False, encoding="utf-8-sig")


@pytest.mark.parametrize(("n", "seed"), [(0, 0), (1, 1), (7, 2), (3000, 3)])
def test_write_csv_is_to_csv(n: int, seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for df in (_frame(n, seed), _frame(n, seed).astype({"name": object, "kind": object})):  # str and object text
        with monkeypatch.context() as m:  # the fast way, not pandas' to_csv
            m.setattr(pd.DataFrame, "to_csv", lambda *a, **k: pytest.fail("to_csv called"))
            sinks.write_csv(df, tmp_path / "fast.csv")
        _reference_csv(df, tmp_path / "ref.csv")
        assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "ref.csv").read_bytes()


def test_write_csv_other_types_and_negative_zero(tmp_path: Path) -> None:
    df = pd.DataFrame({"a": [-0.0, 0.0, np.nan], "mixed": [1, "=x", 2.5], "when": pd.to_datetime(["2024-01-01"] * 3)})
    for sub in (df[["a", "mixed"]], df, df[["a", "when"]]):
        sinks.write_csv(sub, tmp_path / "fast.csv")
        _reference_csv(sub, tmp_path / "ref.csv")
        assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "ref.csv").read_bytes()


def test_csv_column_is_csv_text_per_cell() -> None:
    values = pd.Series([*TEXTS * 100, 3, None, np.nan, 2.5, np.int64(4)], dtype=object)
    assert sinks.csv_column(values).tolist() == [sinks.csv_text(v) for v in values]
    text = pd.Series(TEXTS * 100 + [None], dtype="str")
    out = sinks.csv_column(text)
    assert out.dtype == text.dtype and out.tolist()[:-1] == [sinks.csv_text(v) for v in TEXTS * 100] and pd.isna(out.iloc[-1])


def _result(n: int, seed: int, geoms: list) -> tables.CheckResult:
    summary = _frame(n, seed).drop(columns=["rule"]).astype({"name": object, "kind": object})  # as check_projects makes them
    summary["odd"] = pd.Series([np.float64(1.5), np.int64(2), None, pd.NA, "x"] * (n // 5) + [None] * (n % 5), dtype=object)
    projects = gpd.GeoDataFrame({"name": summary["name"]}, geometry=geoms, crs="EPSG:4326")
    return tables.CheckResult(summary=summary, zones=pd.DataFrame(), projects=projects)


def _geoms(n: int) -> list:
    kinds = [Point(113.2, 27.7), Point(113.123456789, 27.5), Point(113.1, 27.6, 10), LineString([(113, 27), (113.1, 27.2)]),
             Polygon([(113, 27), (113.1, 27), (113.1, 27.1)]), shapely.MultiPoint([(113, 27), (113.1, 27.1)]), Point()]
    return [kinds[i % len(kinds)] for i in range(n)]


@pytest.mark.parametrize("n", [0, 1, 10, 700])
def test_geojson_is_the_plain_way(n: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    res = _result(n, n, _geoms(n))
    with monkeypatch.context() as m:  # the fast way
        m.setattr(tables, "_export_geojson_plain", lambda *a: pytest.fail("plain way taken"))
        tables.export_geojson(res, tmp_path / "fast.geojson")
    tables._export_geojson_plain(res, tmp_path / "ref.geojson")
    assert (tmp_path / "fast.geojson").read_bytes() == (tmp_path / "ref.geojson").read_bytes()
    json.loads((tmp_path / "fast.geojson").read_text(encoding="utf-8"))
    res.summary = res.summary.astype({"name": "str"})  # a str column: the plain way, same bytes
    tables.export_geojson(res, tmp_path / "fast.geojson")
    tables._export_geojson_plain(res, tmp_path / "ref.geojson")
    assert (tmp_path / "fast.geojson").read_bytes() == (tmp_path / "ref.geojson").read_bytes()


def test_geojson_with_provenance(checked, tmp_path: Path) -> None:
    _ctx, res = checked
    res = copy.copy(res)
    res.provenance = type("P", (), {"as_dict": lambda self: {"file": "a,\"b\".csv", "sha256": "0" * 64}})()
    tables.export_geojson(res, tmp_path / "fast.geojson")
    tables._export_geojson_plain(res, tmp_path / "ref.geojson")
    assert (tmp_path / "fast.geojson").read_bytes() == (tmp_path / "ref.geojson").read_bytes()


def _reference_table_html(df: pd.DataFrame) -> str:
    import html

    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for row in df.itertuples(index=False):
        cells = []
        for v in row:
            text = document._cell_text(v)
            cls = {"符合": "ok", "需关注": "warn", "冲突": "bad"}.get(text, "")
            cells.append(f'<td class="{cls}">{html.escape(text)}</td>' if cls else f"<td>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


@pytest.mark.parametrize("n", [0, 1, 50, 2000])
def test_table_html_is_the_plain_way(n: int) -> None:
    df = _frame(n, n)
    text = df.astype(str).where(df.notna(), "")
    for frame in (df, text, df[["kind"]], df.iloc[:, :0]):
        assert document._table_html(frame) == _reference_table_html(frame)


def test_worker_gets_the_same_frames(checked) -> None:
    _ctx, res = checked
    res = copy.copy(res)
    big = 3000
    res.summary = pd.concat([res.summary] * (big // len(res.summary)), ignore_index=True)
    res.zones = pd.concat([res.zones] * (big // max(len(res.zones), 1)), ignore_index=True)
    res.zones.loc[::5, "zone"] = None
    back = worker.unpack_result(pickle.loads(pickle.dumps(worker.pack_result(res))))
    for name in ("summary", "zones"):
        full, got = getattr(res, name), getattr(back, name)
        assert "reason_en" not in got.columns and set(got.columns) <= set(full.columns)
        pd.testing.assert_frame_equal(full[got.columns], got, check_exact=True)
    assert list(back.projects.columns) == [res.projects.geometry.name]
