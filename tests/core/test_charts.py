"""core/charts.py: server-drawn SVG, valid XML, no inline style (the CSP refuses it), text escaped."""

import xml.etree.ElementTree as ET

from core.charts import Series, mini_bar, stacked_bars

SVG = "{http://www.w3.org/2000/svg}"
SERIES = [Series("五星", "#1b5e20"), Series("三至四星", "#1a56c4"), Series("两星及以下", "#b71c1c")]


def _rects(root):
    return [r for r in root.iter(f"{SVG}rect")]


def test_stacked_bars_segments_are_proportional_and_labelled():
    svg = str(stacked_bars([("东街村党支部", [5, 3, 2]), ("空支部", [0, 0, 0])], SERIES, title="星级分布"))
    root = ET.fromstring(svg)  # well-formed XML
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg
    # legend: 3 swatches; row 1: background + 3 segments; row 2: background only
    rects = _rects(root)
    assert len(rects) == 3 + 1 + 3 + 1
    background, *segments = rects[3:7]
    widths = [float(r.get("width")) for r in segments]
    assert abs(sum(widths) - float(background.get("width"))) < 0.5
    assert abs(widths[0] / widths[2] - 5 / 2) < 0.01
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "五星" in texts and "共10人" in texts and "共0人" in texts and "无数据" in texts
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "东街村党支部 · 两星及以下：2 人（20%）" in titles


def test_labels_are_escaped_and_long_ones_clipped():
    name = "<script>alert(1)</script>" + "很长的党组织名称" * 10
    svg = str(stacked_bars([(name, [1, 0, 0])], SERIES, title="a&b"))
    ET.fromstring(svg)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "a&amp;b" in svg
    label = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")][len(SERIES)]
    assert label.endswith("…") and len(label) < len(name)


def test_mini_bar_counts_in_title_and_empty_bar():
    svg = str(mini_bar([2, 0, 1], SERIES))
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "五星2人，三至四星0人，两星及以下1人"
    widths = [float(r.get("width")) for r in _rects(root)[1:]]
    assert widths == [80.0, 40.0]
    assert len(_rects(ET.fromstring(str(mini_bar([0, 0, 0], SERIES))))) == 1


def test_a_narrow_chart_puts_the_legend_on_several_lines():
    svg = str(stacked_bars([("甲", [1, 1, 1])], SERIES, title="t", width=360, label_width=110, legend_columns=2))
    root = ET.fromstring(svg)
    swatches = _rects(root)[:3]
    assert [r.get("y") for r in swatches] == ["6", "6", "30"]
    assert root.get("viewBox").startswith("0 0 360 ")
