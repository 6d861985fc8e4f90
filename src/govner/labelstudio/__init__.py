"""Label Studio round trip against a live server: labeling interface, push (tasks with
pre-annotations, most uncertain first), pull (export through the training validator)."""
