# SPDX-License-Identifier: MIT
# The source list of rtl/ for the scripts that run outside CMake (lint.sh, synth-block.sh,
# yosys-elab.sh): sourced, not run. cmake/rtl_bench.cmake reads the same manifest.
#
# The manifest, $RTL/sources.f: one path per line relative to rtl/, in compilation order
# (packages first), `//` comments and blank lines allowed (Verilator reads it as is:
# `verilator -F rtl/sources.f`). A line whose comment begins with `generated` names the
# committed copy of a generated file: the build reads the freshly generated one instead, the
# file of the same name in the generator's output directory.
#
# usage: ROOT=<repository> RTL=<rtl dir>; source scripts/rtl-sources.sh
#        rtl_sources GEN_DIR    runs the generators into GEN_DIR (the caller makes it and
#                               removes it) and sets the array `sources`: every file of the
#                               manifest in order, the generated ones from GEN_DIR; returns
#                               non-zero (after saying why) if a generator fails, a line is
#                               not a path, a file is missing, or an .sv file under $RTL is
#                               not in the manifest
#        rtl_module FILE        prints the module a file defines (empty for a package)

# The generators of rtl/'s generated files, each writing into $1. A new generated file is
# one more command here (`|| return 1`, as below) and one more `// generated` line in the
# manifest.
rtl_generate() {
  "${PYTHON:-python3}" "$ROOT/scripts/regs/gen_regs.py" "$RTL/regs.yaml" \
    --sv "$1/nic_regs_pkg.sv" --regfile "$1/nic_regfile.sv" || return 1
  "${PYTHON:-python3}" "$ROOT/scripts/regs/gen_formats.py" "$RTL/formats.yaml" \
    --sv "$1/nic_fmt_pkg.sv" || return 1
}

rtl_sources() {
  local gen="$1" manifest="$RTL/sources.f" line path comment n=0 f
  sources=()
  if ! rtl_generate "$gen" 2> "$gen/gen.log"; then
    cat "$gen/gen.log" >&2
    echo "rtl-sources: a generator failed on $RTL (rtl_generate in scripts/rtl-sources.sh)" >&2
    return 1
  fi
  [[ -f "$manifest" ]] || { echo "rtl-sources: no $manifest" >&2; return 1; }
  local -A listed=()
  while IFS= read -r line || [[ -n "$line" ]]; do
    n=$((n + 1))
    comment=""
    [[ "$line" == *//* ]] && comment="${line#*//}"
    line="${line%%//*}"
    read -r path <<< "$line" || true
    [[ -z "$path" ]] && continue
    if [[ "$path" != *.sv || "$line" =~ [^[:space:]][[:space:]]+[^[:space:]] ]]; then
      echo "rtl-sources: $manifest:$n: not one path to an .sv file: '$line'" >&2
      return 1
    fi
    [[ -f "$RTL/$path" ]] || { echo "rtl-sources: $manifest:$n: no $RTL/$path" >&2; return 1; }
    listed["$path"]=1
    if [[ "$comment" =~ ^[[:space:]]*generated ]]; then
      f="$gen/$(basename "$path")"
      [[ -f "$f" ]] || {
        echo "rtl-sources: $manifest:$n: $path is generated, but rtl_generate made no $f" >&2
        return 1
      }
      sources+=("$f")
    else
      sources+=("$RTL/$path")
    fi
  done < "$manifest"
  # Every module of rtl/ is in the manifest (a file left out would be built by nobody).
  local missing=()
  while IFS= read -r f; do
    [[ -n "${listed[${f#"$RTL"/}]:-}" ]] || missing+=("${f#"$RTL"/}")
  done < <(find "$RTL" -name '*.sv' | sort)
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "rtl-sources: not in $manifest: ${missing[*]}" >&2
    return 1
  fi
}

rtl_module() {
  sed -n 's/^module \([a-z_0-9]*\).*/\1/p' "$1" | head -1
}
