"""The tagger itself: character tokenizer, model classes and how they are built, features, and the model directory.

Importing it registers the LAC-small tagger with transformers' Auto classes, so its model directories
load with ``AutoModelForTokenClassification.from_pretrained`` like any other."""

from govner.model import lac_tagger  # noqa: F401  (registers LacTaggerConfig with AutoConfig / AutoModel…)
