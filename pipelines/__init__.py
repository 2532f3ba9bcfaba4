"""The pipeline's stages, plain Python, in flow order:

    registry/  who must publish a report for which year, and where it is
    collect/   one document per registry entry: inbox, local file, URL, listing page → raw archive
    read/      one document's bytes → the template's three tables, checked (cached by sha256)
    tables/    the published rows (columns from schemas/), coverage

Shared by every stage: `datadir` (paths, atomic writes), `dataset` (the partitioned dataset),
`files` (sha256, format), `text` (decoding, names, numerals), `workers` (every core). `run` is what the Dagster assets, the sensors and the `xxgk`
command call. docs/architecture.md has the picture and one line per module.
"""
