"""Where steps execute: in the run's own process (the default: reading fans out over every core
inside its step), or on Celery workers (`XXGK_EXECUTOR=celery`), on one machine or many, with
the broker at `XXGK_CELERY_BROKER` (e.g. redis://10.0.0.5:6379/0). The code is the same; only
the deployment's environment says which.
"""

from __future__ import annotations

import os

import dagster as dg

CELERY = "celery"


def executor() -> dg.ExecutorDefinition:
    if os.environ.get("XXGK_EXECUTOR", "") != CELERY:
        return dg.in_process_executor
    from dagster_celery import celery_executor

    broker = os.environ.get("XXGK_CELERY_BROKER", "redis://127.0.0.1:6379/0")
    return celery_executor.configured(
        {
            "broker": broker,
            "backend": os.environ.get("XXGK_CELERY_BACKEND", broker),
            "config_source": {"task_default_queue": "dagster", "worker_prefetch_multiplier": 1},
        }
    )
