# Two commands on a fresh machine (Python 3.11 and a C compiler, nothing else):
#   make demo   set up, run the whole pipeline on the embedded demo corpus
#   make test   set up, run every test
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never
export DAGSTER_DISABLE_TELEMETRY := 1

.PHONY: setup system demo test lint ui clean

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# --locked: a stale uv.lock is an error, so every machine gets exactly what CI got.
# --compile-bytecode: the packages' .pyc written once here, so no process compiles them again
# (where PYTHONDONTWRITEBYTECODE is set, every `xxgk` start otherwise spent ≈2.5 s compiling).
# The demo needs the runtime packages only (--no-dev; --inexact keeps the test tools if there).
.venv/.runtime: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --quiet --compile-bytecode --no-dev --inexact
	touch $@

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --quiet --compile-bytecode
	touch $@

# npm packages of the portal widget (hyparquet; esbuild and playwright-core for its build and
# browser tests), exactly as package-lock.json says. Needs node and npm (on the machine).
WIDGET := publish/widget
$(WIDGET)/node_modules/.installed: $(WIDGET)/package.json $(WIDGET)/package-lock.json
	npm ci --prefix $(WIDGET) --no-audit --no-fund --loglevel=error
	touch $@

setup: .venv/.synced system $(WIDGET)/node_modules/.installed

# Debian packages listed in .ci/apt-packages (installed only when missing).
system:
	.ci/system-deps

# the demo corpus is text and HTML: no system package, no npm
demo: .venv/.runtime
	.venv/bin/xxgk run

test: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/pytest

PORT ?= 3000
ui: .venv/.runtime
	.venv/bin/xxgk ui --port $(PORT)

clean:
	rm -rf data .venv $(TOOLS) $(WIDGET)/node_modules
