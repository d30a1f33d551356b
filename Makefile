# Set-up on a fresh machine needs only Python 3.11 and make:
#   make run    the embedded local stack (moto + API + event pump), foreground until Ctrl-C
#   make test   lint, types and every test suite
#   make infra  synthesise the AWS stack (infra/, CDK v2) into infra/cdk.out and cfn-lint it
#   make deploy deploy it with the CDK CLI (needs AWS credentials; see infra/README.md)
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: docs test-deep run test lint typecheck bench clean infra infra-test deploy assets translations-update chromium chromium-full test-browser vc-verifier

# Packages go in with uv (pip installs uv into the environment first): about 20 s where pip took
# 70 s for .venv and 2 minutes for infra/.venv. .venv is byte-compiled as pip does, since this
# machine sets PYTHONDONTWRITEBYTECODE (every test process and local stack would compile boto3 and
# moto again); infra/.venv is not: one process imports aws-cdk-lib, and compiling all of it cost
# more CPU (about 55 s) than that process compiling what it imports (about 15 s). uv does not read
# pip's configuration; if it cannot install, pip does.
PIP_QUIET := --quiet --disable-pip-version-check
define install_requirements # (python, requirements file, uv's extra options)
	$(1) -m pip install $(PIP_QUIET) uv
	$(dir $(1))uv pip install --quiet --python $(1) $(3) -r $(2) \
	  || $(1) -m pip install $(PIP_QUIET) -r $(2)
endef

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (or make PYTHON=python3)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(call install_requirements,$(PY),requirements-dev.txt,--compile-bytecode)
	touch $(STAMP)

run: $(STAMP) assets
	$(PY) -m devstack

lint: $(STAMP)
	$(PY) -m ruff check .

typecheck: $(STAMP)
	$(PY) -m mypy chalicelib devstack

# First what pytest needs, installed side by side (the virtual environment, npm's packages and
# the built assets, Chromium, the credential verifier's npm), then ruff. The type check and the
# infrastructure tests run beside pytest rather than before it, the infrastructure's own virtual
# environment too (aws-cdk-lib: seconds to install with uv, then one CDK synth);
# their output follows pytest's, and any of the three failing fails `make test`.
test:
	@$(MAKE) --no-print-directory -j3 -O $(STAMP) assets chromium vc-verifier
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory infra-test > .infra-test.log 2>&1 & infra=$$!; \
	$(PY) -m mypy chalicelib devstack > .typecheck.log 2>&1 & types=$$!; \
	$(PY) -m pytest -n 2 --dist worksteal -q --durations=15 tests; tests=$$?; \
	wait $$types; types_rc=$$?; echo "--- typecheck (mypy chalicelib devstack):"; cat .typecheck.log; \
	wait $$infra; infra_rc=$$?; echo "--- infra tests (tests/infra, infra/.venv):"; cat .infra-test.log; \
	test $$tests -eq 0 && test $$types_rc -eq 0 && test $$infra_rc -eq 0

# The long runs at full size (nightly, or before a release): the fault-injection release with
# 2,000 candidates and the fuzz at 28/12/8 examples per operation (make test: 250, 6/3/2).
test-deep: $(STAMP) assets
	TEST_DEPTH=deep $(PY) -m pytest -n 2 --dist worksteal -q -m slow tests

# docs/api.md's index of operations, from the OpenAPI document (a test fails while it is stale)
docs: $(STAMP)
	$(PY) -m devstack.apidoc

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .local .pytest_cache .mypy_cache .ruff_cache web/node_modules $(WEB_STATIC) $(WEB_STAMP)

# ------------------------------------------------------------------ web assets (chalicelib/web/README.md)
# GOV.UK Frontend + sass from npm (web/package-lock.json), compiled into content-hashed files and
# a manifest under chalicelib/web/static/; the Spanish catalogue compiled to .mo. Not committed:
# rebuilt only when an input changes (the stamp), by `make run` and `make test`.
WEB_STATIC := chalicelib/web/static
WEB_STAMP  := $(WEB_STATIC)/.built
WEB_MO     := chalicelib/web/translations/es/LC_MESSAGES/messages.mo
EMAILS_MO  := chalicelib/emails/translations/es/LC_MESSAGES/emails.mo
WEB_INPUTS := web/package.json web/package-lock.json web/build.mjs web/favicon.svg web/api-docs.js $(wildcard web/scss/*.scss)
GUIDES     := docs/integrating.md docs/webhooks.md
WEB_GUIDES := $(WEB_STATIC)/guides/.built

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "need node and npm on PATH (the web assets are built with npm sass)"; exit 1; }
	cd web && npm ci --no-audit --no-fund --loglevel=error

$(WEB_STAMP): web/node_modules/.package-lock.json $(WEB_INPUTS)
	cd web && node build.mjs
	touch $(WEB_STAMP)

$(WEB_MO): chalicelib/web/translations/es/LC_MESSAGES/messages.po $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -d chalicelib/web/translations

# The emails' own catalogue (domain "emails", chalicelib/emails/README in its __init__.py)
$(EMAILS_MO): chalicelib/emails/translations/es/LC_MESSAGES/emails.po $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -D emails -d chalicelib/emails/translations

# The integrators' guides (docs/*.md) as the pages /docs/integrating and /docs/webhooks show them
$(WEB_GUIDES): $(GUIDES) devstack/guides.py $(WEB_STAMP) $(STAMP)
	$(PY) -m devstack.guides $(WEB_STATIC)/guides $(GUIDES)
	touch $@

assets: $(WEB_STAMP) $(WEB_MO) $(EMAILS_MO) $(WEB_GUIDES)

# After changing a page's words: extract them, merge into the .po, then translate what is new.
translations-update: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output -o chalicelib/web/translations/messages.pot chalicelib/web
	$(VENV)/bin/pybabel update -i chalicelib/web/translations/messages.pot -d chalicelib/web/translations --no-fuzzy-matching
	cd chalicelib/emails && ../../$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output -o translations/emails.pot .
	$(VENV)/bin/pybabel update -D emails -i chalicelib/emails/translations/emails.pot -d chalicelib/emails/translations --no-fuzzy-matching

# Browser tests drive Debian's Chromium headless shell (Playwright cannot download its own browser
# here; the headless shell is what Playwright itself runs headless, and it takes a third less CPU
# than the full browser on the browser tests). Lighthouse (python -m bench lighthouse) runs the
# full browser: `make chromium-full`.
CHROMIUM := /usr/lib/chromium/chromium-headless-shell
chromium:
	@test -x $(CHROMIUM) || (apt-get update && apt-get install -y chromium-headless-shell)

chromium-full:
	@test -x /usr/lib/chromium/chromium || (apt-get update && apt-get install -y chromium)

test-browser: $(STAMP) assets chromium
	$(PY) -m pytest -n 0 -q -m browser tests/browser

# The independent verifier of signed credentials (tests/api/test_credential_verifier.py): Digital
# Bazaar's libraries, pinned by tests/vc_verifier/package-lock.json.
VC_VERIFIER := tests/vc_verifier/node_modules/.package-lock.json
$(VC_VERIFIER): tests/vc_verifier/package.json tests/vc_verifier/package-lock.json
	cd tests/vc_verifier && npm ci --no-audit --no-fund --loglevel=error

vc-verifier: $(VC_VERIFIER)

# ------------------------------------------------------------------ infra/ (its own venv: aws-cdk-lib is ~430 MB)
INFRA_VENV  := infra/.venv
INFRA_PY    := $(INFRA_VENV)/bin/python
INFRA_STAMP := $(INFRA_VENV)/.installed
JSII_QUIET  := JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1 JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
STAGE       ?= prod

$(INFRA_STAMP): infra/requirements.txt requirements.txt
	@command -v node >/dev/null 2>&1 || { echo "need node on PATH (aws-cdk-lib runs on jsii)"; exit 1; }
	test -x $(INFRA_PY) || $(PYTHON) -m venv $(INFRA_VENV)
	$(call install_requirements,$(INFRA_PY),infra/requirements.txt,)
	touch $(INFRA_STAMP)

infra: $(INFRA_STAMP)
	cd infra && $(JSII_QUIET) .venv/bin/python app.py -c stage=$(STAGE)
	$(INFRA_VENV)/bin/cfn-lint infra/cdk.out/exam-results-$(STAGE).template.json

infra-test: $(INFRA_STAMP)
	$(JSII_QUIET) $(INFRA_PY) -m pytest -q -p no:cacheprovider tests/infra

# The web assets go to the assets bucket before the new functions (when the stack exists) and
# after (the first deploy creates the bucket): infra/publish_assets.py.
deploy: $(INFRA_STAMP) assets
	$(INFRA_PY) infra/publish_assets.py exam-results-$(STAGE) --if-exists
	cd infra && $(JSII_QUIET) npx --yes aws-cdk@2 deploy -c stage=$(STAGE) $(CDK_ARGS)
	$(INFRA_PY) infra/register_signing_key.py exam-results-$(STAGE)
	$(INFRA_PY) infra/publish_assets.py exam-results-$(STAGE)
