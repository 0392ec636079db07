"""Cron expressions (:mod:`.expression`) and the exactly-once-per-tick scheduler (:mod:`.scheduler`)."""
