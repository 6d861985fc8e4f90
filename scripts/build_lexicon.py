"""``govner build-lexicon``: mine a domain lexicon from the corpus with a teacher model (configs/lexicon.yaml). A thin shim: the command lives in govner.cli.build_lexicon."""

from govner.cli.build_lexicon import main

if __name__ == "__main__":
    main()
