"""The one test support package (not an installed app): the personas of the `world`
fixture, HTTP helpers, factories and shapes shared by every app's tests, and the
leak test's contract. Tests import these, never another app's test modules.

- `http`: `EN`, `PROBLEM`, reading answers (`problem_of`, `ok`, `text`, `body`)
- `world`: the fixture region tree and its people (`World`, `PASSWORD`)
- `shapes`: GeoJSON squares around 周村区
- `registry`, `cases`, `gridwork`: factories (households, residents, cases, patrols)
- `leaks`: what each app's `tests/leaks.py` gives the leak test in core
- `routes`: every console and API route, with its methods and views
- `browser`: Chromium for the browser tests
- `indicators`: an indicator table as tests read it
"""
