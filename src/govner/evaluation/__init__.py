"""Entity-level evaluation: seqeval metrics, span errors, a predictor scored on gold documents."""
