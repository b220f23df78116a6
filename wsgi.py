"""Entry point for gunicorn (`gunicorn wsgi:app`) and the flask command."""

import gc

from goi import create_app
from goi.search.service import warm_up

app = create_app()
# The thesaurus and the stemmer's dictionary are loaded now, not by the first search of each worker.
warm_up()
# What start-up made (the app, the region tables, the thesaurus, templates) lives as long as the process: frozen out
# of the collector's generations, so that a full collection does not walk it again in every few requests.
gc.freeze()
