"""Command-line entry points: the Hydra jobs behind ``govner <command>`` and scripts/*.py, and their structured configs."""
