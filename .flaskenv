FLASK_APP=wsgi
# What `flask run` and the other flask commands use on a developer's machine; a variable already set wins, so a
# server exports FLASK_CONFIG=production for its flask commands. gunicorn never reads this file: production.
FLASK_CONFIG=development
