import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from common.rls import org_context
from salesforce_imports import crypto, oauth
from salesforce_imports.models import SalesforceConnection


@pytest.mark.parametrize(
    "url",
    [
        "https://acme.my.salesforce.com",
        "https://acme--dev.sandbox.my.salesforce.com",
        "https://na1.salesforce.com",
        "https://acme.lightning.force.com",
        "https://acme.my.salesforce.mil",
        "https://test.salesforce.com",
    ],
)
def test_salesforce_hosts_are_trusted(url):
    assert oauth.is_valid_instance_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://acme.my.salesforce.com",  # plain http to a real host
        "https://evil.com",
        "https://salesforce.com.evil.com",
        "https://evilsalesforce.com",
        "https://169.254.169.254",  # cloud metadata
        "http://10.0.0.5",
        "https://acme.my.salesforce.com:8443",
        "https://user:pw@acme.my.salesforce.com",
        "https://acme.my.salesforce.com/services/data",
        "javascript:alert(1)",
        "",
        "http://127.0.0.1:9999",  # loopback but not the configured login origin
        None,
        12345,
    ],
)
def test_other_urls_are_refused(url):
    assert not oauth.is_valid_instance_url(url)


@override_settings(SALESFORCE_LOGIN_URL="http://127.0.0.1:8765")
def test_the_configured_loopback_origin_is_trusted():
    assert oauth.is_valid_instance_url("http://127.0.0.1:8765")
    assert not oauth.is_valid_instance_url("http://127.0.0.1:8766")


@override_settings(SALESFORCE_LOGIN_URL="http://crm.internal:8765")
def test_plain_http_login_origin_is_refused_unless_loopback():
    assert not oauth.is_valid_instance_url("http://crm.internal:8765")


def test_pkce_challenge_is_s256_of_verifier():
    import base64
    import hashlib

    pkce = oauth.Pkce.new()
    assert 43 <= len(pkce.verifier) <= 128
    expected = base64.urlsafe_b64encode(hashlib.sha256(pkce.verifier.encode()).digest()).rstrip(b"=").decode()
    assert pkce.challenge == expected


@override_settings(TOKEN_ENCRYPTION_KEYS=[], DEBUG=False)
def test_no_key_without_debug_refuses():
    with pytest.raises(ImproperlyConfigured):
        crypto.check_configuration()


@override_settings(TOKEN_ENCRYPTION_KEYS=[], DEBUG=True)
def test_debug_derives_a_development_key():
    assert crypto.decrypt(crypto.encrypt("x")) == "x"


@pytest.mark.django_db
def test_database_holds_only_ciphertext(admin_profile):
    with org_context(admin_profile.org_id):
        SalesforceConnection.objects.create(
            org=admin_profile.org,
            instance_url="https://x.my.salesforce.com",
            access_token="00Dxx!ACCESS-SECRET",
            refresh_token="REFRESH-SECRET",
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT access_token, refresh_token FROM salesforce_imports_salesforceconnection")
            access, refresh = cursor.fetchone()
        assert "SECRET" not in access + refresh
        assert SalesforceConnection.objects.get().access_token == "00Dxx!ACCESS-SECRET"


@pytest.mark.django_db
def test_rotation_re_encrypts_with_the_new_first_key(admin_profile, settings):
    from django.core.management import call_command

    old_key = settings.TOKEN_ENCRYPTION_KEYS[0]
    with org_context(admin_profile.org_id):
        SalesforceConnection.objects.create(
            org=admin_profile.org,
            instance_url="https://x.my.salesforce.com",
            access_token="A",
            refresh_token="R",
        )
    new_key = Fernet.generate_key().decode()
    settings.TOKEN_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_token_keys")
    settings.TOKEN_ENCRYPTION_KEYS = [new_key]  # the old key can now be dropped
    with org_context(admin_profile.org_id):
        conn = SalesforceConnection.objects.get()
        assert (conn.access_token, conn.refresh_token) == ("A", "R")


def test_the_app_refuses_to_start_without_a_key_when_debug_is_off(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "TOKEN_ENCRYPTION_KEYS": "",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    refused = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert refused.returncode != 0
    assert "TOKEN_ENCRYPTION_KEYS is not set" in refused.stderr
    started = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=root,
        env=env | {"DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 0, started.stderr
    assert "development key" in started.stderr
