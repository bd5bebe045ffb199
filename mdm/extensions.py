"""Extensions, created unbound; `create_app` binds them."""

from flask_sqlalchemy import SQLAlchemy

from mdm.models.base import Base

db = SQLAlchemy(model_class=Base)
