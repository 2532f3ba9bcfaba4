"""xxgk command line and settings."""
