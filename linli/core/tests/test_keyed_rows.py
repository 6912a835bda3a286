"""KeyedRows: a page is picked on the keys, then only its rows are loaded, in order."""

import pytest
from django.core.paginator import Paginator

from linli.core.pagination import KeyedRows
from linli.registry.models import Label


@pytest.fixture
def labels(db):
    return list(Label.objects.order_by("code"))


def keyed(loaded: list):
    def load(pks):
        loaded.append(list(pks))
        return reversed(list(Label.objects.filter(pk__in=pks)))  # any order

    return KeyedRows(Label.objects.order_by("code").values_list("pk", flat=True), load)


def test_pages_come_in_the_keys_order_and_load_only_their_rows(labels):
    loaded = []
    page = Paginator(keyed(loaded), 4).get_page(2)

    assert list(page.object_list) == labels[4:8]
    assert page.paginator.count == len(labels)
    assert loaded == [[label.pk for label in labels[4:8]]]


def test_a_row_gone_between_the_two_steps_is_left_out(labels):
    rows = KeyedRows(
        Label.objects.order_by("code").values_list("pk", flat=True),
        lambda pks: Label.objects.filter(pk__in=pks).exclude(pk=labels[1].pk),
    )

    assert rows[0:3] == [labels[0], labels[2]]


def test_only_slices_are_read(labels):
    with pytest.raises(TypeError, match="a page"):
        keyed([])[0]
