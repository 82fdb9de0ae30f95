# Tessera: the two commands a new user needs are `make demo` and `make test`.
# Both set up everything first (apt packages, the MLIR Python sources, a venv)
# and build incrementally; re-running them is cheap.

BUILD_DIR ?= build
VENV ?= .venv
JOBS ?= 2
PYTHON := $(VENV)/bin/python
CACHE_ROOT ?= $(HOME)/.cache/tessera
MLIR_SOURCE_DIR := $(CACHE_ROOT)/llvm-22.1.8/mlir
LLVM_BIN := /usr/lib/llvm-22/bin

export CCACHE_DIR ?= $(CACHE_ROOT)/ccache
# Paths under the checkout are hashed relative to it: clones share the cache.
export CCACHE_BASEDIR := $(CURDIR)
export TESSERA_CACHE_ROOT := $(CACHE_ROOT)
export PYTHONPATH := $(CURDIR)/$(BUILD_DIR)/python_packages
export TESSERA_BUILD_DIR := $(CURDIR)/$(BUILD_DIR)

.PHONY: demo test setup build check-lit check-python docs clean

## demo: compile a small GPU kernel to PTX (sm_90) and HSACO (gfx942) and print them
demo: build
	$(PYTHON) examples/demo.py

## test: the lit suite (tessera-opt + FileCheck), then the pytest suite
test: build
	$(MAKE) --no-print-directory check-lit
	$(MAKE) --no-print-directory check-python

## setup: apt packages, MLIR Python sources, venv (idempotent)
setup:
	@bash scripts/setup.sh

$(BUILD_DIR)/build.ninja:
	cmake -G Ninja -S . -B $(BUILD_DIR) \
	  -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_C_COMPILER=$(LLVM_BIN)/clang \
	  -DCMAKE_CXX_COMPILER=$(LLVM_BIN)/clang++ \
	  -DCMAKE_C_COMPILER_LAUNCHER=ccache \
	  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
	  -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
	  -DLLVM_EXTERNAL_LIT=$(LLVM_BIN)/lit \
	  -DPython3_EXECUTABLE=$(CURDIR)/$(PYTHON) \
	  -DPython_EXECUTABLE=$(CURDIR)/$(PYTHON) \
	  -DTESSERA_MLIR_SOURCE_DIR=$(MLIR_SOURCE_DIR)

## build: configure once, then build incrementally with ninja; the venv
## then imports the built package with no PYTHONPATH (a .pth file)
build: setup
	@$(MAKE) --no-print-directory $(BUILD_DIR)/build.ninja
	ninja -C $(BUILD_DIR) -j$(JOBS)
	@$(PYTHON) scripts/link_venv.py $(CURDIR)/$(BUILD_DIR)/python_packages

check-lit:
	$(LLVM_BIN)/lit -sv $(BUILD_DIR)/test/lit

check-python:
	$(PYTHON) -m pytest -q test/python

## docs: regenerate docs/reference/ from the ODS definitions
docs: build
	ninja -C $(BUILD_DIR) tessera-doc

clean:
	rm -rf $(BUILD_DIR)
