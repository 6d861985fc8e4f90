"""Tagging text with a model directory: predictor, decoding, ONNX, CPU settings, batch prediction, inputs, writers, Ray."""
