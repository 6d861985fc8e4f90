"""``govner make-silver``: self-training: a teacher's confident sentences as silver data (configs/silver.yaml). A thin shim: the command lives in govner.cli.make_silver."""

from govner.cli.make_silver import main

if __name__ == "__main__":
    main()
