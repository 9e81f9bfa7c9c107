# Two commands do everything on a fresh machine:
#   make demo   - build the environment, then run recoup on the bundled example practices
#   make test   - build the environment (and the system packages tests need), then lint, type-check, test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
EXAMPLES := examples

.PHONY: demo test lint typecheck unit bench install system-packages clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

NATIVE_SRC := $(addprefix src/recoup/x12/,tokens.py envelope.py claims835.py header835.py reader835.py _segsplit.c _claim835.c)
NATIVE := src/recoup/x12/.native-built

# The 835 reader's hot modules compiled with mypyc, and the C segment splitter and claim builder;
# recoup falls back to pure Python without them.
$(NATIVE): $(STAMP) $(NATIVE_SRC) scripts/build_native.py
	@$(BIN)/python scripts/build_native.py
	@touch $@

install: $(STAMP) $(NATIVE)

system-packages:
	@bash scripts/ensure-system-packages.sh

DEMO_DB := demo-out/recoup.db

demo: install
	@rm -rf demo-out && mkdir -p demo-out
	$(BIN)/recoup era show $(EXAMPLES)/*/remittances/*.835
	$(BIN)/recoup import --db $(DEMO_DB) $(EXAMPLES)/brightpath-pt $(EXAMPLES)/brightpath-pt/claims/*.837 $(EXAMPLES)/brightpath-pt/remittances/*.835 --today 2026-11-23
	$(BIN)/recoup import --db $(DEMO_DB) $(EXAMPLES)/little-steps-aba $(EXAMPLES)/little-steps-aba/claims/*.837 $(EXAMPLES)/little-steps-aba/remittances/*.835 --today 2026-11-23
	$(BIN)/recoup claim --db $(DEMO_DB) BP26036
	$(BIN)/recoup claim-file LS4114 --db $(DEMO_DB) --today 2026-11-23 --out demo-out/claims-from-store
	$(BIN)/recoup triage $(EXAMPLES)/brightpath-pt/remittances/*.835 --practice $(EXAMPLES)/brightpath-pt --today 2026-11-23 --letters demo-out/letters
	$(BIN)/recoup triage $(EXAMPLES)/little-steps-aba/remittances/*.835 --practice $(EXAMPLES)/little-steps-aba --today 2026-11-23 --letters demo-out/letters
	$(BIN)/recoup letter BP26049 --db $(DEMO_DB) --today 2026-11-23 --out demo-out/letters-from-store
	$(BIN)/recoup claim-file LS4114 --practice $(EXAMPLES)/little-steps-aba --era $(EXAMPLES)/little-steps-aba/remittances/*.835 --today 2026-11-23 --out demo-out/claims
	$(BIN)/recoup claim-file BP26063 --practice $(EXAMPLES)/brightpath-pt --era $(EXAMPLES)/brightpath-pt/remittances/*.835 --today 2026-11-23 --out demo-out/claims
	$(BIN)/recoup scrub --practice $(EXAMPLES)/brightpath-pt $(EXAMPLES)/brightpath-pt/claims/*.837 \
	    || echo "(scrub exit status 1: it flagged lines that would be denied, as above)"
	$(BIN)/recoup scrub --practice $(EXAMPLES)/little-steps-aba $(EXAMPLES)/little-steps-aba/claims/*.837 \
	    || echo "(scrub exit status 1: it flagged lines that would be denied, as above)"
	@echo "The example practices are in $(DEMO_DB); appeal packets are in demo-out/letters/;"
	@echo "corrected claims (837P) are in demo-out/claims/ (and, built from the stored 837P,"
	@echo "demo-out/claims-from-store/)."
	@echo "Try: $(BIN)/recoup claims --db $(DEMO_DB)   or   $(BIN)/recoup serve --db $(DEMO_DB)"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: install system-packages
	$(BIN)/python -m pytest -n 2 -q

test: lint typecheck unit

PEERS_VENV := .venv-peers
$(PEERS_VENV)/.installed:
	$(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/python -m pip install --quiet "oxedi[pandas]==0.6.0" "edi-835-parser==1.8.0" \
		"pyx12==4.0.0" "linuxforhealth-x12==0.57.0" "pydantic==1.10.27"
	@touch $@

bench: install $(PEERS_VENV)/.installed
	$(BIN)/python benchmarks/bench_835.py --peers-python $(PEERS_VENV)/bin/python
	$(BIN)/python benchmarks/bench_import.py --sizes 10000 --backends sqlite

clean:
	rm -rf $(VENV) $(PEERS_VENV) build dist src/recoup/x12/*.so src/recoup/x12/.native-built src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
