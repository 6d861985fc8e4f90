"""Data flow: Label Studio export → validated documents → character examples → features."""
