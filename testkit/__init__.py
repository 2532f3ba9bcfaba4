"""Test data: synthetic reports, renderers for every format, the generated corpus, the demo
corpus and the benchmarks. Imported by the tests and by `xxgk demo-corpus` / `xxgk bench` only,
never by the code location (needs the dev dependency reportlab)."""
