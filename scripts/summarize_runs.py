"""``govner summarize-runs``: tabulate the metrics of several model directories. A thin shim: the command lives in govner.cli.summarize_runs."""

from govner.cli.summarize_runs import main

if __name__ == "__main__":
    main()
