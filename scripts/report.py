"""``govner report``: a tagged batch as the HTML report, the comparison table or records, without the model (configs/report.yaml). A thin shim: the command lives in govner.cli.report."""

from govner.cli.report import main

if __name__ == "__main__":
    main()
