"""The Dagster layer: assets, checks, schedules and sensors, each a call into `pipelines.run`
plus what the data office reads in the UI. One module per asset group, in flow order."""
