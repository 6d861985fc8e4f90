"""``govner ablation``: the model-quality ablation behind docs/results.md. A thin shim: the command lives in govner.cli.ablation."""

from govner.cli.ablation import main

if __name__ == "__main__":
    main()
