"""``govner check-annotations``: validate the gold annotations and list consistency warnings. A thin shim: the command lives in govner.cli.check_annotations."""

from govner.cli.check_annotations import main

if __name__ == "__main__":
    main()
