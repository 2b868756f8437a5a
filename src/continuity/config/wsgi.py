import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.template import engines

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "continuity.config.settings")
application = get_wsgi_application()

if not settings.DEBUG:
    # Compile every page template before serving (in gunicorn's master with --preload, so forked
    # workers share the result); see continuity.config.jinja2.precompile.
    from continuity.config.jinja2 import precompile

    precompile(engines["jinja2"].env)  # type: ignore[attr-defined]
