"""What gunicorn serves: `gunicorn -w 4 wsgi:app`."""

from volunteer_app import create_app

app = create_app()
