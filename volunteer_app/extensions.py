"""Extensions are created unbound here and bound to the app in create_app()."""

import flask_smorest
from flask import current_app
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
from webargs.flaskparser import FlaskParser

from volunteer_app.api import ErrorSchema

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ApiWithoutHtmlErrors(Api):
    """flask-smorest would answer every HTTP error app-wide in JSON; our error module decides by path. The errors
    it documents are the ones that module answers."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass


class ParserRefusingDeepJson(FlaskParser):
    """Python's json module answers a body nested deeper than the recursion limit ('[' * 100000) with a
    RecursionError, which webargs lets through as a 500 with a traceback. It is malformed JSON: 400, one log line."""

    def load_json(self, req, schema):
        try:
            return super().load_json(req, schema)
        except RecursionError as error:
            current_app.logger.warning("Refused a JSON body nested too deeply: %s %s", req.method, req.path)
            self._handle_invalid_json_error(error, req)


# Every API blueprint parses its arguments with this parser. Set on the class before any domain's api module is
# imported (they all import this module first, through the package), since @blp.arguments binds the parser.
flask_smorest.Blueprint.ARGUMENTS_PARSER = ParserRefusingDeepJson()

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
bootstrap = Bootstrap5()
rest_api = ApiWithoutHtmlErrors()
