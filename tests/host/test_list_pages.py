"""List pages (NOTES 8.5): `?q=` search on each list, rows linking to their record pages, the
pager keeping the query, and one query count whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from common.rls import org_context
from contacts.models import Contact
from invoices.models import Estimate, Product
from opportunity.models import Opportunity
from orders.models import Order

from . import record_data
from .record_data import grow

# The shared fixtures, bound by assignment: pytest finds them in this module, and the tests'
# parameters of the same name are not taken for redefinitions of an unused import.
client, data = record_data.client, record_data.data

pytestmark = pytest.mark.django_db

SEARCHES = [
    ("/accounts/", "edge comm", ["Edge Communications"], ["Holding Group", "Edge Austin"]),
    ("/contacts/", "rose gonz", ["Gonzalez"], ["Forbes"]),
    ("/contacts/", "rose@edge.test", ["Gonzalez"], ["Forbes"]),
    ("/opportunities/", "emergency", ["Emergency Generator"], ["Quiet deal"]),
    ("/products/", "GC1060", ["GenWatt Diesel"], ["Spare"]),
    ("/products/", "genwatt", ["GenWatt Diesel"], ["Spare"]),
    ("/estimates/", "Q-0001", ["Generator quote"], ["Other quote"]),
    ("/estimates/", "generator", ["Generator quote"], ["Other quote"]),
    ("/orders/", "00000100", ["Generator order"], ["Other order"]),
    ("/orders/", "generator", ["Generator order"], ["Other order"]),
]


@pytest.fixture
def more(data):
    org = data["org"]
    with org_context(org.pk):
        Contact.objects.filter(pk=data["boss"].pk).update(email="rose@edge.test")
        Opportunity.objects.create(org=org, name="Quiet deal")
        Product.objects.create(org=org, name="Spare", sku="SP1")
        Estimate.objects.create(org=org, title="Other quote", estimate_number="Q-0002")
        Order.objects.create(org=org, name="Other order", order_number="00000200")
    return data


@pytest.mark.parametrize(("path", "q", "hits", "misses"), SEARCHES)
def test_list_search(client, more, path, q, hits, misses):
    html = client.get(path, {"q": q}).content.decode()
    for text in hits:
        assert text in html
    for text in misses:
        assert text not in html
    assert f'value="{q}"' in html  # the search box keeps the query


def test_list_search_without_matches(client, more):
    html = client.get("/accounts/", {"q": "nothing like this"}).content.decode()
    assert "No accounts match" in html and "Edge" not in html.split("</form>")[1]


def test_list_rows_link_to_their_pages(client, data):
    html = client.get("/accounts/").content.decode()
    assert f'href="{data["account"].get_absolute_url()}">Edge Communications</a>' in html
    html = client.get("/contacts/").content.decode()
    assert f'href="{data["boss"].get_absolute_url()}">Gonzalez</a>' in html
    html = client.get("/opportunities/").content.decode()
    assert "Closed won" in html  # choices by their label in lists too


def test_pager_keeps_the_query(client, data):
    org = data["org"]
    with org_context(org.pk):
        Account.objects.bulk_create([Account(org=org, name=f"Widget {i:02d}") for i in range(55)])
    html = client.get("/accounts/", {"q": "widget"}).content.decode()
    assert "55 matching" in html
    assert 'href="?q=widget&amp;page=2"' in html
    second = client.get("/accounts/", {"q": "widget", "page": 2}).content.decode()
    assert "Widget 54" in second and "Edge Communications" not in second
    assert 'href="?q=widget&amp;page=1"' in second


@pytest.mark.parametrize(
    "path", ["/accounts/", "/contacts/", "/opportunities/", "/products/", "/estimates/", "/orders/"]
)
def test_list_pages_do_not_query_per_row(client, data, path):
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    grow(data, 30)
    with CaptureQueriesContext(connection) as many:
        html = client.get(path).content.decode()
    assert len(many) == len(few)
    assert html.count("<tr>") > 30
