"""Annotations in: the Label Studio task format, validation, sentences and segmentation, character examples, the split."""
