# The two commands a new user needs: `make run` and `make test`. Both create
# the virtualenv (and install system packages the tests need) on first use,
# saying what each slow step is doing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run demo test install system-packages bench bench-worst reliability clean

$(BIN)/.installed: pyproject.toml
	@echo "creating the virtualenv in $(VENV)…"
	@$(PYTHON) -m venv $(VENV)
	@echo "upgrading pip in $(VENV)…"
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "installing Python packages into $(VENV) (Flask, gunicorn, sqlite-utils, pytest, selenium …; a minute the first time)…"
	@$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@
	@echo "installed: $(BIN)/moderation"

install: $(BIN)/.installed

# The browser test drives Debian's Chromium through its chromedriver; the unit
# file test runs systemd-analyze (Debian's systemd package), when apt has it;
# the WordPress plugin's tests run Debian's php-cli.
system-packages:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	missing=; \
	if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then missing="chromium chromium-driver"; fi; \
	if ! command -v php >/dev/null; then missing="$$missing php-cli"; fi; \
	if ! command -v systemd-analyze >/dev/null; then missing="$$missing systemd"; fi; \
	if [ -n "$$missing" ]; then \
		echo "updating apt's package lists…"; \
		$$SUDO apt-get update -qq; \
		case "$$missing" in *chromium*) echo "installing Chromium and chromedriver for the browser test (Debian packages; a minute or two)…";; esac; \
		case "$$missing" in *php-cli*) echo "installing PHP for the WordPress plugin's tests…";; esac; \
		case "$$missing" in *systemd*) \
			if apt-cache show systemd >/dev/null 2>&1; then echo "installing systemd for systemd-analyze (the unit file test)…"; \
			else echo "systemd is not in apt here: the unit file test will be skipped"; missing=$$(echo "$$missing" | sed 's/ systemd//'); fi;; \
		esac; \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

run: install
	@echo "starting the demo (moderation serve --demo)…"
	@$(BIN)/moderation serve --demo

test: install system-packages
	@echo "running the tests…"
	$(BIN)/python -m pytest

demo: install
	$(BIN)/moderation check --article seeds/article.txt --jsonl --readable < seeds/comments.jsonl

bench: install
	$(BIN)/python benchmarks/engine_speed.py

bench-worst: install
	$(BIN)/python benchmarks/worst_case.py

# The fault scripts of docs/reliability.md at their full size (storage.py needs root).
reliability: install
	$(BIN)/python benchmarks/reliability/crash.py
	$(BIN)/python benchmarks/reliability/retries.py
	$(BIN)/python benchmarks/reliability/outbox.py
	$(BIN)/python benchmarks/reliability/storage.py

clean:
	rm -rf $(VENV) build *.egg-info
