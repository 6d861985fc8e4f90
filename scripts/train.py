"""``govner train``: fine-tune a tagger and write its model directory (configs/train.yaml). A thin shim: the command lives in govner.cli.train."""

from govner.cli.train import main

if __name__ == "__main__":
    main()
