"""``govner active-learning``: the active-learning simulation behind docs/results.md. A thin shim: the command lives in govner.cli.active_learning."""

from govner.cli.active_learning import main

if __name__ == "__main__":
    main()
