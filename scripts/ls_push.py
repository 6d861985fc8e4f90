"""``govner ls-push``: push pre-annotated reports into Label Studio, most uncertain first (configs/ls_push.yaml). A thin shim: the command lives in govner.cli.ls_push."""

from govner.cli.ls_push import main

if __name__ == "__main__":
    main()
