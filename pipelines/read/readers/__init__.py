"""One reader per format: bytes in, a grid of cells out (see `pipelines.read.grid`)."""
