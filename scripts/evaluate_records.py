"""``govner evaluate-records``: score indicator records against gold records (configs/evaluate_records.yaml). A thin shim: the command lives in govner.cli.evaluate_records."""

from govner.cli.evaluate_records import main

if __name__ == "__main__":
    main()
