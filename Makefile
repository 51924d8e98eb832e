# The two commands a newcomer needs (see README):
#   make demo   bring the sandbox Open edX hosts up and enable certificates on them
#   make test   run every test suite and print one summary
# Both install what they need the first time (Debian packages, .venv, the
# sandbox images) and are fast the second time.

SHELL := /bin/bash
VENV := .venv
SANDBOX := tests/sandbox/sandbox.sh

export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export CONTAINERS_CONF := $(CURDIR)/tests/sandbox/image/containers.conf
export CONTAINERS_STORAGE_CONF := $(CURDIR)/.sandbox/storage.conf
export ANSIBLE_FORCE_COLOR ?= 0

.PHONY: setup demo test bench unit sandbox-test images hosts fleet down clean collection old-django

# The Debian packages come first: python3-venv is one of them. A venv that
# Debian's python3 half-made without it (no pip) is made again.
$(VENV)/.stamp: requirements/runtime.txt requirements/dev.txt tests/sandbox/requirements.txt | .sandbox/.system-packages
	test -x $(VENV)/bin/pip || { rm -rf $(VENV); python3 -m venv $(VENV); }
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	touch $@

.sandbox/.system-packages: scripts/install-system-packages.sh
	scripts/install-system-packages.sh
	mkdir -p .sandbox && touch $@

setup: $(VENV)/.stamp .sandbox/.system-packages old-django

# The Django majors of the releases the sandbox emulates (hawthorn 1.11,
# lilac 2.2, maple 3.2; the sandbox itself runs the newer one of
# tests/sandbox/requirements.txt): one small venv each, from the pinned
# requirements/old-django/django-X.txt, so that a unit test runs the
# in-platform runner's queries under each of them
# (tests/unit/test_openedx_runner_old_django.py).
OLD_DJANGOS := 1.11 2.2 3.2
old-django: $(foreach v,$(OLD_DJANGOS),.sandbox/old-django/$(v)/.stamp)

# Under a lock, and checked again inside it: test runs in parallel (the unit
# test calls this target too) must not build the same venv at once.
.sandbox/old-django/%/.stamp: requirements/old-django/django-%.txt | .sandbox/.system-packages
	mkdir -p .sandbox/old-django
	flock $(@D).lock sh -c 'test $@ -nt $< || { rm -rf $(@D) && python3 -m venv $(@D) && \
	    $(@D)/bin/pip install --quiet --disable-pip-version-check --no-deps -r $< && touch $@; }'

# One image per release line the sandbox emulates; each installs its own
# requirements-RELEASE.txt when there is one (redwood: Django 4.2), else
# tests/sandbox/requirements.txt (see tests/sandbox/README.md "Images and
# packages per release").
RELEASE_IMAGES := hawthorn lilac maple redwood verawood

images: setup
	$(SANDBOX) build $(RELEASE_IMAGES)

hosts: images
	$(SANDBOX) up openedx-legacy hawthorn
	$(SANDBOX) up openedx-modern maple

# Three hosts of one instance sharing one MariaDB server (the container
# openedx-fleet-db-db): inventory/fleet.
fleet: images
	$(SANDBOX) down openedx-app1 openedx-app2 openedx-worker1 openedx-fleet-db-db
	podman volume rm --force openedx-fleet-db openedx-fleet-db-socket >/dev/null 2>&1 || true
	$(SANDBOX) up openedx-app1 hawthorn openedx-fleet-db
	$(SANDBOX) up openedx-app2 hawthorn openedx-fleet-db
	$(SANDBOX) up openedx-worker1 hawthorn openedx-fleet-db

demo: hosts
	ansible-playbook playbooks/demo.yml -e @examples/certificate-theme/html_view.yml

test: images
	tests/run-all.sh

# Benchmarks (not part of make test): site.yml against the installation
# guide's way, generation against the bare command, one host against a
# fleet. Figures printed and written to bench/results/.
bench: images
	python3 bench/bench_site.py
	python3 bench/bench_fleet.py
	python3 bench/bench_generate.py

unit: setup
	pytest -q tests/unit

sandbox-test: setup
	pytest -q tests/sandbox/tests

# The collection openedx.certificates (dist/openedx-certificates-X.Y.Z.tar.gz),
# which ansible-galaxy collection install accepts offline.
collection: setup
	python3 scripts/collection.py --output-path dist

down:
	$(SANDBOX) down

clean: down
	rm -rf .sandbox $(VENV)
