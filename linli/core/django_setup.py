"""Imported by multiprocessing's fork server (`linli.core.processes`): Django set up
there once, from the settings module and environment the caller's process has."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
django.setup()
