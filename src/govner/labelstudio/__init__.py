"""Label Studio: labeling interface, push (pre-annotated tasks, most uncertain first), pull (export
through the training validator), the ML backend; the task format itself is :mod:`govner.data.labelstudio_format`."""
