"""The hot reads' RowReader makes the instances the ORM makes: the same values, the same
deferred fields loading on access, saved back as updates; a model someone listens to on
``post_init`` still goes through ``Model.from_db`` and its signals."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models.signals import post_init

from gongdao.api.common import RowReader
from gongdao.cases.models import Case
from gongdao.parties.models import User


def _row(model: Any, pk: int, names: list[str]) -> list[Any]:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return list(cursor.fetchone())


@pytest.mark.django_db
def test_a_case_read_by_row_is_the_case_the_orm_reads(flow: Any) -> None:
    stored = flow.offered()
    orm = Case.objects.get(pk=stored.pk)
    reader = RowReader(Case, Case._meta.concrete_fields)
    read = reader.read(_row(Case, stored.pk, reader.names))
    assert type(read) is Case and read._state.adding is False and read._state.db == "default"
    assert {f.attname: getattr(read, f.attname) for f in Case._meta.concrete_fields} == {
        f.attname: getattr(orm, f.attname) for f in Case._meta.concrete_fields
    }
    assert read.get_deferred_fields() == set()
    assert read.shop == orm.shop  # a relation loads as the ORM's would


@pytest.mark.django_db
def test_fields_not_read_are_deferred_and_load_on_access(flow: Any, django_assert_num_queries: Any) -> None:
    user = User.objects.get(username="alice")
    names = ["id", "public_id"]
    reader = RowReader(User, [User._meta.get_field(n) for n in names])
    read = reader.read(_row(User, user.pk, names))
    assert read.get_deferred_fields() == {f.attname for f in User._meta.concrete_fields} - set(names)
    with django_assert_num_queries(1):
        assert read.username == "alice"
    read.first_name = "Alice"
    read.save(update_fields=["first_name"])
    assert User.objects.get(pk=user.pk).first_name == "Alice"


@pytest.mark.django_db
def test_a_model_with_post_init_listeners_goes_through_from_db(flow: Any) -> None:
    seen: list[Any] = []

    def listener(sender: Any, instance: Any, **kwargs: Any) -> None:
        seen.append(instance)

    post_init.connect(listener, sender=User)
    try:
        user = User.objects.get(username="alice")
        seen.clear()
        names = [f.attname for f in User._meta.concrete_fields]
        read = RowReader(User, User._meta.concrete_fields).read(_row(User, user.pk, names))
        assert seen == [read]
    finally:
        post_init.disconnect(listener, sender=User)
