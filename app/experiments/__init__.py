"""A/B experiments: deterministic assignment, one exposure per subject, metrics per variant
with confidence intervals (see :mod:`app.experiments.services`)."""
