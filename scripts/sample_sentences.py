"""``govner sample-sentences``: draw sentences to annotate from the corpus. A thin shim: the command lives in govner.cli.sample_sentences."""

from govner.cli.sample_sentences import main

if __name__ == "__main__":
    main()
