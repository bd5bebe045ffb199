"""Settings pages for admins: users, sources (trust ranks), API keys; the audit log."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.form.fields import JSONField
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import Optional, ValidationError

from admin.auth import StewardModelView
from admin.forms import SecureForm
from admin.transactions import commit_or_flash
from mdm import keys, sources, users
from mdm.extensions import db
from mdm.models import ROLES, SCOPES, ApiKey, utcnow


def _check_trust(form, field) -> None:
    trust = field.data or {}
    if not isinstance(trust, dict) or not all(
            isinstance(rank, int) and not isinstance(rank, bool) for rank in trust.values()):
        raise ValidationError(_('Trust ranks are a JSON object of attribute → whole number, '
                                'e.g. {"*": 2, "phone": 5}.'))


class UserView(StewardModelView):
    read_role = "admin"
    can_create = can_edit = True
    column_list = ("username", "role", "active", "created_at", "last_login_at")
    column_searchable_list = ("username",)
    column_filters = ("role", "active")
    form_columns = ("username", "role", "active", "new_password")
    form_choices = {"role": [(role, role) for role in ROLES]}
    form_extra_fields = {"new_password": PasswordField(_l("New password"),
                                                       validators=[Optional()])}

    def create_model(self, form):
        return commit_or_flash(lambda: users.create_user(
            db.session, form.username.data, form.new_password.data or "", role=form.role.data,
            actor=current_user.username, now=utcnow())) or False

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        del form.username  # a username never changes: the audit log refers to it
        return form

    def update_model(self, form, model):
        def update() -> bool:
            users.update_user(db.session, model, role=form.role.data, active=form.active.data,
                              actor=current_user.username, now=utcnow())
            if form.new_password.data:
                users.set_password(db.session, model, form.new_password.data,
                                   actor=current_user.username, now=utcnow())
            return True

        return commit_or_flash(update) or False


class SourceView(StewardModelView):
    read_role = "admin"
    can_create = can_edit = True
    column_list = ("name", "description", "trust", "created_at")
    form_columns = ("name", "description", "trust")
    form_overrides = {"trust": JSONField}
    form_args = {"trust": {"validators": [_check_trust],
                           "description": _l('Trust rank per attribute, "*" for all others; '
                                             'higher wins.')}}

    def create_model(self, form):
        return commit_or_flash(lambda: sources.add_source(
            db.session, form.name.data, form.trust.data or {}, form.description.data or "",
            actor=current_user.username)) or False

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        del form.name  # keys, xrefs and channel configurations refer to the name
        return form

    def update_model(self, form, model):
        return commit_or_flash(lambda: sources.update_source(
            db.session, model.name, trust=form.trust.data or {},
            description=form.description.data or "", actor=current_user.username)) is not None


class NewKeyForm(SecureForm):
    scope = SelectField(_l("Scope"), choices=[(scope, scope) for scope in SCOPES])
    source = SelectField(_l("Source (push keys)"), choices=[], validate_choice=False)
    label = StringField(_l("Label"))


class ApiKeyView(StewardModelView):
    read_role = "admin"
    column_list = ("prefix", "scope", "source", "label", "created_at", "revoked_at",
                   "last_used_at")
    column_filters = ("scope",)
    list_template = "admin/api_keys.html"

    @expose("/create-key/", methods=("GET", "POST"))
    def new_key_view(self):
        form = NewKeyForm(request.form)
        form.source.choices = [("", "—")] + [(s.name, s.name) for s in
                                             sources.list_sources(db.session)]
        key_text = None
        if request.method == "POST" and form.validate():
            key_text = commit_or_flash(lambda: self._create_key(form))
        # The key is shown once in this response, never kept in the session or a flash message.
        return self.render("admin/api_key_new.html", form=None if key_text else form,
                           key_text=key_text)

    @staticmethod
    def _create_key(form: NewKeyForm) -> str:
        return keys.create_key(db.session, form.scope.data, form.source.data or None,
                               form.label.data or "", actor=current_user.username)

    @action("revoke", _l("Revoke"), _l("Revoke the selected keys? Channels using them stop."))
    def revoke_keys(self, ids):
        for key in db.session.query(ApiKey).filter(ApiKey.id.in_([int(i) for i in ids])):
            keys.revoke_key(db.session, key.prefix, actor=current_user.username)
        db.session.commit()
        flash(_("Keys revoked."), "success")
        return redirect(url_for(".index_view"))


class AuditView(StewardModelView):
    read_role = "steward"
    can_view_details = True
    column_list = ("occurred_at", "actor", "action", "target_type", "target_id", "reason")
    column_default_sort = ("occurred_at", True)
    column_filters = ("actor", "action", "target_type")
    column_searchable_list = ("target_id", "actor")

