"""``govner predict``: tag report files: entities, Label Studio tasks or records (configs/predict.yaml). A thin shim: the command lives in govner.cli.predict."""

from govner.cli.predict import main

if __name__ == "__main__":
    main()
