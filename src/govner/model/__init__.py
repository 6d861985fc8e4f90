"""The tagger itself: character tokenizer, model classes and how they are built, features, and the model directory."""
