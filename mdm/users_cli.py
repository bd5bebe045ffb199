"""`mdm users ...`: accounts of the people who sign in to the admin."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from mdm import users
from mdm.errors import MdmError
from mdm.extensions import db
from mdm.models import ROLES, utcnow


@click.group("users")
def users_group() -> None:
    """People who sign in to the admin (viewer, steward, admin)."""


@users_group.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user_command(username: str, role: str, password_stdin: bool) -> None:
    """Create USERNAME; the password is prompted for unless --password-stdin is given."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        users.create_user(db.session, username, password, role=role, now=utcnow())
    except MdmError as error:
        click.echo(f"error: {error.detail}", err=True)
        sys.exit(2)
    db.session.commit()
    click.echo(f"user {username} created with role {role}")
