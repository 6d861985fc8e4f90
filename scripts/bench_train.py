"""``govner bench-train``: training throughput benchmark. A thin shim: the command lives in govner.cli.bench_train."""

from govner.cli.bench_train import main

if __name__ == "__main__":
    main()
