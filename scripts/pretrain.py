"""``govner pretrain``: masked-LM pretraining of the character BERT on a corpus (configs/pretrain.yaml). A thin shim: the command lives in govner.cli.pretrain."""

from govner.cli.pretrain import main

if __name__ == "__main__":
    main()
