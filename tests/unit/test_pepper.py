"""Where the pepper comes from (issue 8 item 10): never a built-in default; on AWS a versioned
Secrets Manager secret read at run time; a plain environment value only locally and in tests."""
from __future__ import annotations

import importlib
import json

import pytest


@pytest.fixture
def load_config(monkeypatch):
    """chalicelib.config re-imported under an environment (it reads STAGE at import)."""
    from chalicelib import config as original

    def _load(**env: str | None):
        for name, value in env.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        module = importlib.reload(original)
        module.settings.cache_clear()
        return module

    yield _load
    monkeypatch.undo()
    importlib.reload(original).settings.cache_clear()


@pytest.mark.parametrize("stage", ["test", "local", "prod"])
def test_without_a_pepper_the_service_refuses_to_start(load_config, stage):
    config = load_config(STAGE=stage, SECRET_PEPPER=None, SECRET_PEPPER_NAME=None)
    with pytest.raises(config.ConfigurationError, match="no pepper"):
        config.settings()


def test_a_plain_environment_pepper_is_refused_outside_the_local_stack_and_tests(load_config):
    config = load_config(STAGE="prod", SECRET_PEPPER="looks-fine", SECRET_PEPPER_NAME=None)
    with pytest.raises(config.ConfigurationError, match="Secrets Manager"):
        config.settings()


def test_locally_the_environment_value_is_the_first_version(load_config):
    config = load_config(STAGE="local", SECRET_PEPPER="dev-pepper", SECRET_PEPPER_NAME=None)
    assert config.settings().secret_pepper == "dev-pepper"
    assert (config.pepper_version(), config.pepper("pepper")) == ("pepper", "dev-pepper")


@pytest.fixture
def pepper_secret(aws):
    from chalicelib.adapters.aws import client

    def _put(doc: dict) -> str:
        name = "exam-results/prod/pepper"
        sm = client("secretsmanager")
        try:
            sm.create_secret(Name=name, SecretString=json.dumps(doc))
        except sm.exceptions.ResourceExistsException:
            sm.put_secret_value(SecretId=name, SecretString=json.dumps(doc))
        return name

    return _put


def test_on_aws_the_current_version_comes_from_secrets_manager_and_older_ones_stay_readable(
        load_config, pepper_secret):
    from aws_lambda_powertools.utilities import parameters

    name = pepper_secret({"current": "v2", "pepper": "old-pepper", "v2": "new-pepper"})
    config = load_config(STAGE="prod", SECRET_PEPPER="ignored", SECRET_PEPPER_NAME=name)
    parameters.clear_caches()
    assert config.settings().secret_pepper == "new-pepper"
    assert config.pepper_version() == "v2"
    assert config.pepper("pepper") == "old-pepper"
    with pytest.raises(config.ConfigurationError):
        config.pepper("v3")


def test_the_secret_infra_generates_is_the_first_version(load_config, pepper_secret):
    from aws_lambda_powertools.utilities import parameters

    name = pepper_secret({"pepper": "generated"})
    config = load_config(STAGE="prod", SECRET_PEPPER_NAME=name)
    parameters.clear_caches()
    assert (config.pepper_version(), config.pepper()) == ("pepper", "generated")


def test_a_secret_whose_current_version_is_missing_is_refused(load_config, pepper_secret):
    from aws_lambda_powertools.utilities import parameters

    name = pepper_secret({"current": "v2", "pepper": "old"})
    config = load_config(STAGE="prod", SECRET_PEPPER_NAME=name)
    parameters.clear_caches()
    with pytest.raises(config.ConfigurationError, match="current"):
        config.pepper()


def test_keyed_hashes_use_the_current_pepper(load_config):
    load_config(STAGE="test", SECRET_PEPPER="pepper-one", SECRET_PEPPER_NAME=None)
    from chalicelib.services import security

    one = security.keyed_hash("x")
    load_config(STAGE="test", SECRET_PEPPER="pepper-two", SECRET_PEPPER_NAME=None)
    assert security.keyed_hash("x") != one
