from linli.testing.http import english_client  # noqa: F401 (the English `client`)
