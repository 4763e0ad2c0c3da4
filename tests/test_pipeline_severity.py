"""The grade formula of pipeline/severity.py, as a table."""
from __future__ import annotations

import pytest

from pipeline.severity import grade
from pipeline.types import TopicHit


def hits(*severities: str) -> list[TopicHit]:
    return [TopicHit(f"t{i}", f"T{i}", None, s, ()) for i, s in enumerate(severities)]


# (topic severities, negative, replies, views, source weight, expected grade)
TABLE = [
    ((), True, 500, 0, 2.0, None),  # no topic: no grade, however hot
    (("orange",), True, 0, 0, 1.0, "orange"),  # negative: the topic's grade
    (("orange",), False, 0, 0, 1.0, "yellow"),  # not negative: one below
    (("blue",), False, 0, 0, 1.0, "blue"),  # never below blue
    (("red",), True, 0, 0, 1.0, "red"),
    (("yellow", "orange"), True, 0, 0, 1.0, "orange"),  # the highest matched topic
    (("orange",), True, 50, 0, 1.0, "red"),  # hot: replies >= 50
    (("orange",), True, 49, 0, 1.0, "orange"),
    (("orange",), True, 20, 0, 1.5, "red"),  # warm thread on a heavy source
    (("orange",), True, 20, 0, 1.4, "orange"),
    (("orange",), True, 19, 0, 2.0, "orange"),
    (("yellow",), True, 0, 10_000, 1.0, "orange"),  # many views
    (("red",), True, 100, 0, 1.0, "red"),  # never above red
    (("orange",), True, 0, 0, 0.4, "yellow"),  # marginal source
    (("blue",), True, 0, 0, 0.1, "blue"),
    (("orange",), False, 60, 0, 0.3, "yellow"),  # -1 +1 -1
    (("red",), False, 0, 0, 1.0, "orange"),
]


@pytest.mark.parametrize("severities,negative,replies,views,weight,expected", TABLE)
def test_grade_table(severities, negative, replies, views, weight, expected):
    assert grade(hits(*severities), negative=negative, replies=replies, views=views,
                 source_weight=weight) == expected


def test_unknown_counts_are_not_hot():
    assert grade(hits("yellow"), negative=True, replies=None, views=None) == "yellow"
