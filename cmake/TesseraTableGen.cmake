#===- TesseraTableGen.cmake - TableGen helpers for Tessera dialects -------===#

# tessera_add_dialect_tablegen(<Prefix> <dialect> [ATTRS] [TYPES])
#
# Runs mlir-tblgen over <Prefix>Ops.td (and <Prefix>Attrs.td with ATTRS,
# <Prefix>Types.td with TYPES) in the current include directory, producing
# the op/dialect/attribute/type .inc files,
# a public target Tessera<Prefix>IncGen, and the dialect's Markdown reference
# (<Prefix>Dialect.md) behind the target Tessera<Prefix>DocGen.
function(tessera_add_dialect_tablegen prefix dialect)
  cmake_parse_arguments(ARG "ATTRS;TYPES" "" "" ${ARGN})
  set(LLVM_TARGET_DEFINITIONS ${prefix}Ops.td)
  mlir_tablegen(${prefix}Ops.h.inc -gen-op-decls)
  mlir_tablegen(${prefix}Ops.cpp.inc -gen-op-defs)
  mlir_tablegen(${prefix}Dialect.h.inc -gen-dialect-decls -dialect=${dialect})
  mlir_tablegen(${prefix}Dialect.cpp.inc -gen-dialect-defs -dialect=${dialect})
  if(ARG_ATTRS)
    set(LLVM_TARGET_DEFINITIONS ${prefix}Attrs.td)
    mlir_tablegen(${prefix}Attrs.h.inc -gen-attrdef-decls -attrdefs-dialect=${dialect})
    mlir_tablegen(${prefix}Attrs.cpp.inc -gen-attrdef-defs -attrdefs-dialect=${dialect})
    mlir_tablegen(${prefix}Enums.h.inc -gen-enum-decls)
    mlir_tablegen(${prefix}Enums.cpp.inc -gen-enum-defs)
  endif()
  if(ARG_TYPES)
    set(LLVM_TARGET_DEFINITIONS ${prefix}Types.td)
    mlir_tablegen(${prefix}Types.h.inc -gen-typedef-decls -typedefs-dialect=${dialect})
    mlir_tablegen(${prefix}Types.cpp.inc -gen-typedef-defs -typedefs-dialect=${dialect})
  endif()
  add_public_tablegen_target(Tessera${prefix}IncGen)

  set(LLVM_TARGET_DEFINITIONS ${prefix}Ops.td)
  tablegen(MLIR ${prefix}Dialect.md -gen-dialect-doc -dialect=${dialect})
  add_custom_target(Tessera${prefix}DocGen
    DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/${prefix}Dialect.md)
  set_property(GLOBAL APPEND PROPERTY TESSERA_DIALECT_DOCS
    ${CMAKE_CURRENT_BINARY_DIR}/${prefix}Dialect.md)
  set_property(GLOBAL APPEND PROPERTY TESSERA_DOC_TARGETS Tessera${prefix}DocGen)
endfunction()

# tessera_add_pass_tablegen(<Name> <Group>)
#
# Pass declarations from Passes.td in the current include directory: the
# public target Tessera<Name>PassIncGen, registration under
# `registerTessera<Group>Passes()`, and the Markdown reference <Name>Passes.md.
function(tessera_add_pass_tablegen name group)
  set(LLVM_TARGET_DEFINITIONS Passes.td)
  mlir_tablegen(Passes.h.inc -gen-pass-decls -name Tessera${group})
  add_public_tablegen_target(Tessera${name}PassIncGen)
  tablegen(MLIR ${name}Passes.md -gen-pass-doc)
  add_custom_target(Tessera${name}PassDocGen
    DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/${name}Passes.md)
  set_property(GLOBAL APPEND PROPERTY TESSERA_DIALECT_DOCS
    ${CMAKE_CURRENT_BINARY_DIR}/${name}Passes.md)
  set_property(GLOBAL APPEND PROPERTY TESSERA_DOC_TARGETS Tessera${name}PassDocGen)
endfunction()
