"""Hypothesis profiles: `ci` (the default, deterministic) and `long` (run by hand).

`make test` and plain `pytest` use `ci`: the same examples every run, no deadline, so a
slow machine cannot make a test flaky. `pytest --hypothesis-profile=long` explores far
more inputs with fresh randomness; a failure prints the example and a reproduce blob.
"""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=100,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=5_000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("ci")  # pytest's --hypothesis-profile option, if given, wins
