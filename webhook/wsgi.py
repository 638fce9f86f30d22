"""The WSGI entry point gunicorn serves: the app built from the MODERATION_* environment."""

from webhook import create_app

app = create_app()
