"""The Ray Data path: the same entities as the predictor run directly, every document once."""

import json

import pytest
from conftest import MARKED, plain, untrained_model_dir

from govner.inference.predictor import Predictor

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)  # a CPU for reading, one for the actor
    yield
    ray.shutdown()


@pytest.mark.slow  # starting Ray takes a minute or more on 2 busy cores
def test_ray_data_tags_every_document_as_the_predictor_does(local_ray, tmp_path):
    from govner.inference.distributed import predict_reports

    model_dir = untrained_model_dir(tmp_path / "model")
    reports = tmp_path / "reports"
    reports.mkdir()
    texts = {}
    for k in range(5):
        texts[f"report_{k}"] = "\n".join(plain(m) for m, _ in MARKED[k::3])
        (reports / f"report_{k}.txt").write_text(texts[f"report_{k}"], encoding="utf-8")
    (reports / "empty.txt").write_text("", encoding="utf-8")

    rows = predict_reports(str(reports), model_dir, docs_per_batch=2).take_all()

    assert sorted(r["source"] for r in rows if r["error"]) == [str((reports / "empty.txt").resolve())]
    tagged = {r["id"]: r for r in rows if not r["error"]}
    assert sorted(tagged) == sorted(texts)
    expected = Predictor.from_dir(model_dir).predict(list(texts.values()))
    for doc_id, prediction in zip(texts, expected, strict=True):
        assert json.loads(tagged[doc_id]["entities"]) == [vars(e) for e in prediction.entities]
        assert tagged[doc_id]["score"] == pytest.approx(prediction.mean_score)
