"""The benchmark suite of PRODUCT §10: ``python -m bench`` (see `bench.__main__`)."""
