"""Fine-tuning and what feeds it: the Trainer run and its clock, domain pretraining, self-training, the model card."""
