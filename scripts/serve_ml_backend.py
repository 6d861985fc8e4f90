"""``govner serve``: serve a model as a Label Studio ML backend (configs/serve.yaml). A thin shim: the command lives in govner.cli.serve_ml_backend."""

from govner.cli.serve_ml_backend import main

if __name__ == "__main__":
    main()
