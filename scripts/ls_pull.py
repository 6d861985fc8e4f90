"""``govner ls-pull``: pull a Label Studio project's annotations, validated (configs/ls_pull.yaml). A thin shim: the command lives in govner.cli.ls_pull."""

from govner.cli.ls_pull import main

if __name__ == "__main__":
    main()
