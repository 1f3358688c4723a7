"""The published OpenAPI schema describes every endpoint without drf-spectacular guessing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def generate(*args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crm.test_settings"}
    return subprocess.run(
        [sys.executable, "manage.py", "spectacular", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def schema():
    result = generate("--validate", "--fail-on-warn")
    assert result.returncode == 0, result.stderr
    # Anything drf-spectacular could not describe is a "Warning" or "Error" line.
    assert "Warning" not in result.stderr and "Error" not in result.stderr, result.stderr
    return yaml.safe_load(result.stdout)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_path_parameter_is_a_typed_uuid(schema):
    path_parameters = [
        (path, parameter)
        for path, _, operation in operations(schema)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
    ]
    assert path_parameters
    for path, parameter in path_parameters:
        assert parameter["schema"] == {"type": "string", "format": "uuid"}, (path, parameter)


def test_both_authentications_are_described(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["jwtAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schemes["cookieAuth"] == {"type": "apiKey", "in": "cookie", "name": "sessionid"}
    accounts = schema["paths"]["/api/accounts/"]["get"]
    assert accounts["security"] == [{"jwtAuth": []}, {"cookieAuth": []}]


def test_refusals_are_documented_where_they_can_happen(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        if operation.get("security") not in (None, [{}]):
            assert {"401", "403"} <= set(responses), (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
        if "requestBody" in operation:
            assert "400" in responses, (method, path)


def test_callback_is_a_redirect_with_its_location(schema):
    callback = schema["paths"]["/api/salesforce/callback/"]["get"]
    assert set(callback["responses"]) == {"302"}
    assert "Location" in callback["responses"]["302"]["headers"]
    assert {p["name"] for p in callback["parameters"]} >= {"code", "state", "error"}
    assert callback["security"] == [{}]  # a browser redirect from Salesforce carries no token


def test_problems_download_is_described_as_csv(schema):
    problems = schema["paths"]["/api/salesforce/import/{job_id}/errors/"]["get"]
    content = problems["responses"]["200"]["content"]
    assert content["text/csv"]["schema"] == {"type": "string"}
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/PaginatedProblemList"}
    formats = next(p for p in problems["parameters"] if p["name"] == "format")
    assert formats["schema"]["enum"] == ["csv", "json"]


def test_schema_endpoint_serves_the_same_operations(schema, client, db):
    served = yaml.safe_load(client.get(reverse("api-schema")).content)
    assert set(served["paths"]) == set(schema["paths"])
    assert "/api/schema/" not in served["paths"]
