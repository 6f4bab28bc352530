"""Command-line commands: demo data and the first administrator."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from cal.auth.models import User
from cal.auth.passwords import hash_password
from cal.auth.services import check_new_password, find_user_by_email, normalise_email
from cal.commands.demo import seed_demo
from cal.commands.large import seed_large
from cal.config import insecure_settings
from cal.core.access import Role
from cal.core.backup import BackupError, backup, restore
from cal.core.errors import DomainError
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.notifications import reminders as scans


def register_commands(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load Polish demo data and the demo accounts into an empty database."""
        if db.session.scalar(select(func.count(User.id))):
            click.echo("The database already has users; demo data not loaded.")
            return
        summary = seed_demo()
        db.session.commit()
        click.echo("Demo data loaded: " + ", ".join(f"{k}: {v}" for k, v in summary.items()))

    @app.cli.command("seed-large")
    @click.option("--scale", default=1.0, show_default=True, type=click.FloatRange(0.001, 10),
                  help="1.0 is the large data set of DESIGN.md; 0.1 a tenth of it.")
    def seed_large_command(scale: float):
        """Fill an empty database with the large data set for the benchmarks."""


        if db.session.scalar(select(func.count(User.id))):
            raise click.ClickException("The database is not empty; the large data set "
                                       "goes only into an empty one.")
        started = time.perf_counter()
        made = seed_large(scale, say=lambda text: click.echo(f"… {text}"))
        click.echo(f"Large data set loaded in {time.perf_counter() - started:.0f} s: "
                   + ", ".join(f"{k}: {v}" for k, v in made.items()))

    @app.cli.command("check-deploy")
    def check_deploy_command():
        """Fail when the settings are unfit for production (debug, weak secret, ...)."""


        problems = insecure_settings(current_app.config)
        for problem in problems:
            click.echo(f"✗ {problem}", err=True)
        if problems:
            raise SystemExit(1)
        click.echo("The settings are fit for production.")

    @app.cli.command("backup")
    @click.argument("target", required=False, type=click.Path(dir_okay=False))
    def backup_command(target: str | None):
        """Back the whole database up into a file (default: instance/backups/)."""



        url = current_app.config["SQLALCHEMY_DATABASE_URI"]
        if target is None:
            ending = "db" if url.startswith("sqlite") else "dump"
            target = Path(current_app.instance_path) / "backups" / (
                f"cal-{utcnow():%Y%m%d-%H%M%S}.{ending}")
        if Path(target).exists():
            raise click.ClickException(f"{target} exists; a backup never overwrites a file.")
        try:
            made = backup(url, Path(target))
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Backup written: {made}")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False))
    @click.confirmation_option(prompt="Everything changed since that backup will be lost. "
                                      "Restore?")
    def restore_command(source: str):
        """Put the database back as it was in a backup made by `backup`."""



        try:
            restore(current_app.config["SQLALCHEMY_DATABASE_URI"], Path(source))
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Restored from {source}.")

    @app.cli.command("create-admin")
    @click.argument("email")
    @click.option("--name", default="Administrator", help="Full name shown in the interface.")
    @click.password_option(help="Asked for when not given.")
    def create_admin_command(email: str, name: str, password: str):
        """Create an administrator account (asks for the password)."""
        try:
            check_new_password(password, email, name)
        except DomainError as error:
            raise click.ClickException(error.message) from error
        if find_user_by_email(email):
            raise click.ClickException(f"A user with e-mail {email} already exists.")
        db.session.add(User(email=normalise_email(email), full_name=name, role=Role.ADMIN,
                            password_hash=hash_password(password)))
        db.session.commit()
        click.echo(f"Administrator {email} created.")

    reminders = click.Group("reminders", help="Reminders: scans of what is due, and delivery.")
    app.cli.add_command(reminders)

    @reminders.command("run")
    def reminders_run_command():
        """One scan of every reminder kind, delivered here (for a centre without Redis:
        run it from cron every quarter of an hour)."""

        made = scans.run(inline=True)
        click.echo("Reminders: " + ", ".join(f"{k}: {v}" for k, v in made.items()))
