# -*- Python -*-
# lit configuration of Tessera's regression tests.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "Tessera"
# The internal shell: no dependence on the host's sh for pipes and redirects.
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".py"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tessera_obj_root, "test", "lit")

llvm_config.with_system_environment(["HOME", "TMPDIR", "TESSERA_CACHE_DIR"])
llvm_config.use_default_substitutions()

tool_dirs = [config.tessera_tools_dir, config.llvm_tools_dir]
tools = [
    "tessera-opt",
    "tessera-run-artifact",
    ToolSubst("mlir-opt", unresolved="fatal"),
    ToolSubst("%PYTHON", config.python_executable, unresolved="ignore"),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)

if config.enable_python:
    config.available_features.add("python")
    llvm_config.with_environment(
        "PYTHONPATH", config.python_packages_dir, append_path=True
    )
