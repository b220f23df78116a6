"""Entry point for gunicorn (`gunicorn wsgi:app`) and the flask command."""

import gc

from goi import create_app

app = create_app()
# What start-up made (the app, the region and glossary tables, templates) lives as long as the process: frozen out
# of the collector's generations, so that a full collection does not walk it again in every few requests.
gc.freeze()
