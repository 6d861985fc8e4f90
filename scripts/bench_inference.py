"""``govner bench-inference``: inference throughput benchmark (configs/bench_inference.yaml). A thin shim: the command lives in govner.cli.bench_inference."""

from govner.cli.bench_inference import main

if __name__ == "__main__":
    main()
