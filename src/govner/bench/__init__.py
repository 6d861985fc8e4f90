"""Developer tooling: inference and training benchmarks, the model-quality ablation, the machine they ran on."""
