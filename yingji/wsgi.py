"""WSGI entry point (served by waitress through ``yingji serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
application = get_wsgi_application()
