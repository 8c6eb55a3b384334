# Fieldbook: two commands on a fresh machine.
#   make run    venv + dependencies + demo database (first time) + app on http://localhost:8501
#   make test   the same environment + dev tools + system packages; lint and every test
# Also: make install (just the venv), make lint, make bench, make bench-load, make demo,
# make clean.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
DB_FILE := data/fieldbook.db
PG_BIN ?= /usr/lib/postgresql/15/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: install install-dev fonts system-deps nginx run demo test lint bench bench-load clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime

install-dev: $(VENV)/.dev

# Debian packages, installed only when missing. The app itself needs WenQuanYi Micro Hei
# (embedded in review PDFs, so Chinese prints); the tests also need Chromium (browser
# test), Noto CJK (Chinese in screenshots) and PostgreSQL 15 (database tests).
define apt_install_missing
	@missing=""; \
	for pkg in $(1); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

fonts:
	$(call apt_install_missing,fonts-wqy-microhei)

system-deps: fonts
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	[ -x $(PG_BIN)/initdb ] || missing="$$missing postgresql-15"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

$(DB_FILE): | $(VENV)/.runtime
	$(PY) -m core demo --scale small --out data/demo

demo: install
	$(PY) -m core demo --scale small --out data/demo

run: install fonts $(DB_FILE)
	$(VENV)/bin/streamlit run serve.py --server.port $(PORT) \
	  --server.address localhost --browser.gatherUsageStats false

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: install-dev system-deps lint
	$(VENV)/bin/pytest

# SCALE=large times a provincial union (2,000 officers, 500,000 borrowers): an hour or
# more on two cores, and several GB of disk under bench-out/; not run by default.
SCALE ?= medium
bench: install-dev system-deps
	$(PY) -m bench --scale $(SCALE)

# Debian's nginx, which `python -m bench --load N --processes K` puts in front of K app
# processes (it starts and stops its own nginx; the package's service is not used).
nginx:
	@[ -x /usr/sbin/nginx ] || { \
	  echo "installing: nginx"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx >/dev/null; \
	}

# SESSIONS at once on the demo database, served by 1, 2 and then 4 app processes.
SESSIONS ?= 20
bench-load: install-dev nginx $(DB_FILE)
	$(PY) -m bench --load $(SESSIONS) --processes 1,2,4

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache bench-out
