"""``gongdao association …``: consumer associations and their staff, for operators."""

from __future__ import annotations

import click


@click.group("association")
def association() -> None:
    """Consumer associations (self-help mode) and their staff."""


@association.command("add")
@click.argument("name")
@click.option("--region", default="", help="Province, city (and county) it serves.")
@click.option("--contact", default="", help="Phone or address members use.")
def add(name: str, region: str, contact: str) -> None:
    """Register a consumer association; prints its id (A-…)."""
    from gongdao.cli import Failure, setup_django

    setup_django()
    from gongdao.parties.models import Association

    name = name.strip()
    if not name:
        raise Failure("NAME: give the association's name")
    found = Association.objects.create(name=name[:200], region=region.strip(), contact=contact.strip())
    click.echo(f"{found.public_id}\t{found.name}")


@association.command("staff")
@click.argument("username")
@click.option("--association", "association_id", required=True, help="The association's id, A-….")
@click.option("--name", "full_name", default="", help="The staff member's full name.")
@click.option("--email", default="", help="Their email address (for notices).")
def staff(username: str, association_id: str, full_name: str, email: str) -> None:
    """Make USERNAME a staff member of an association (creating the account if needed; set its
    password with `gongdao user reset-link USERNAME`)."""
    from gongdao.cli import Failure, setup_django

    setup_django()
    from gongdao import ids
    from gongdao.parties.models import Association, Profile, User

    found = Association.objects.filter(public_id=ids.normalise(association_id)).first()
    if found is None:
        raise Failure(f"no association {association_id!r} (see the admin, or `gongdao association add`)")
    user = User.objects.filter(username=username).first()
    if user is not None and user.role != "association_staff":
        raise Failure(f"{username!r} is already a user with the role {user.role!r}; choose another username")
    created = user is None
    if user is None:
        user = User(username=username, role="association_staff")
        user.set_unusable_password()
    user.association = found
    if email:
        user.email = email
    user.save()
    if full_name:
        Profile.objects.update_or_create(user=user, defaults={"full_name": full_name})
    verb = "created" if created else "updated"
    click.echo(f"ok: {verb} {username} ({user.public_id}), staff of {found.name} ({found.public_id})")
    if created:
        click.echo(f"set a password: gongdao user reset-link {username}")
