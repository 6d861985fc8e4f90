import pytest

from govner.data.spans import Span
from govner.evaluation.metrics import entity_metrics, format_table, span_errors
from govner.labels import ENTITY_LABELS


def test_entity_metrics_contract_shape_and_strict_matching():
    gold = [["B-QUANTITY", "I-QUANTITY", "B-UNIT", "O"], ["B-ORG", "I-ORG", "O", "O"]]
    pred = [["B-QUANTITY", "I-QUANTITY", "B-UNIT", "O"], ["B-ORG", "O", "O", "O"]]
    m = entity_metrics(gold, pred, ENTITY_LABELS)
    assert set(m) >= {"overall", "per_type", "macro"}
    assert set(m["per_type"]) == set(ENTITY_LABELS)
    assert m["per_type"]["QUANTITY"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    assert m["per_type"]["ORG"]["f1"] == 0.0  # boundary error counts as wrong
    assert m["per_type"]["INDICATOR"]["support"] == 0
    assert m["overall"]["precision"] == pytest.approx(2 / 3)
    assert m["overall"]["recall"] == pytest.approx(2 / 3)
    assert "micro" in format_table(m)


def test_span_error_categories():
    gold = [
        Span(0, 2, "INDICATOR"),
        Span(2, 4, "QUANTITY"),
        Span(4, 5, "UNIT"),
        Span(6, 8, "ORG"),
        Span(9, 10, "QUANTITY"),
    ]
    pred = [
        Span(0, 2, "INDICATOR"),  # correct
        Span(2, 4, "UNIT"),  # wrong type
        Span(4, 6, "UNIT"),  # wrong boundary
        Span(7, 8, "INDICATOR"),  # wrong type and boundary
        Span(11, 12, "ORG"),  # spurious
    ]
    counts = span_errors(gold, pred)
    assert dict(counts) == {
        "correct": 1,
        "wrong_type": 1,
        "wrong_boundary": 1,
        "wrong_type_and_boundary": 1,
        "missed": 1,
        "spurious": 1,
    }
