"""govner: entity tagging for Chinese government work reports."""

__version__ = "0.1.0"
