# The two commands a new user needs: `make run` and `make test`. Both create
# the virtualenv (and install system packages the tests need) on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run demo test install system-packages bench bench-worst clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

# The browser test drives Debian's Chromium through its chromedriver.
system-packages:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v php >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver php-cli >/dev/null; \
	fi

run: install
	$(BIN)/moderation serve

test: install system-packages
	$(BIN)/python -m pytest

demo: install
	$(BIN)/moderation check --article seeds/article.txt --jsonl --readable < seeds/comments.jsonl

bench: install
	$(BIN)/python benchmarks/engine_speed.py

bench-worst: install
	$(BIN)/python benchmarks/worst_case.py

clean:
	rm -rf $(VENV) build *.egg-info
