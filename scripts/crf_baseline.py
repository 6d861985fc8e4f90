"""``govner crf-baseline``: the feature CRF baseline. A thin shim: the command lives in govner.cli.crf_baseline."""

from govner.cli.crf_baseline import main

if __name__ == "__main__":
    main()
