"""Rankings: a rate on one case does not outrank one on fifty-eight (issue 12: a
village with one case closed on time ranked above 车站社区 with 58)."""

from linli.core.indicators import catalogue
from linli.indicators.tables import RANK_MIN, Row, rank
from linli.testing.cases import hotline_call

ON_TIME = "cases.on_time_rate"


def closed(name: str, on_time: int, of: int) -> Row:
    """A unit whose cases closed `of` times, `on_time` of them within the limit."""
    indicator = catalogue.indicators[ON_TIME]
    (part,), (whole,) = indicator.numerator, indicator.denominator
    return Row(key=name, name=name, totals={part: on_time, whole: of})


def test_a_rate_on_few_cases_is_shown_after_the_ranked_units_without_a_place():
    village = closed("西铺村委会", 1, 1)  # 100 % of one case
    station = closed("车站社区居委会", 52, 58)  # 89.7 %
    market = closed("市南社区居委会", 40, 50)  # 80 %
    edge = closed("东门社区居委会", RANK_MIN, RANK_MIN)  # 100 %, just enough to rank
    empty = Row(key="后辛村委会", name="后辛村委会")  # nothing closed: "—"

    ranked = rank([empty, village, market, station, edge], ON_TIME)

    assert [(r.name, r.place) for r in ranked] == [
        ("东门社区居委会", 1),
        ("车站社区居委会", 2),
        ("市南社区居委会", 3),
        ("西铺村委会", None),
        ("后辛村委会", None),
    ]
    assert village.value(ON_TIME) == 1.0 and empty.value(ON_TIME) is None


def test_counts_rank_whatever_their_size():
    small, large = Row(key="a", name="a", totals={"cases.received": 1}), Row(key="b", name="b")
    large.totals["cases.received"] = 58

    assert [(r.key, r.place) for r in rank([small, large], "cases.received")] == [
        ("b", 1),
        ("a", 2),
    ]


def test_the_page_shows_places_and_says_what_it_ranks(client, world):
    hotline_call(world)  # one case in A: its rates stand on too little to rank
    client.force_login(world.worker_a)

    page = client.get("/indicators/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert '<label class="form-label small" for="k-level">统计维度</label>' in page
    assert "操作人" not in page
    assert f"不足 {RANK_MIN}" in page
    assert "<tr><td>—</td><td>车站社区居委会</td>" in page
