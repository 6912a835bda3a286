"""The demo's indicators: every app's demo rows counted into the day figures now, as the
periodic rollup would."""

from typing import TextIO

from linli.indicators.rollup import rollup


def seed(stdout: TextIO, **_options: object) -> None:
    stdout.write(f"indicators: {rollup()} rows counted into the day figures")
