"""``govner evaluate``: score a model directory on its test split or an export (configs/evaluate.yaml). A thin shim: the command lives in govner.cli.evaluate."""

from govner.cli.evaluate import main

if __name__ == "__main__":
    main()
