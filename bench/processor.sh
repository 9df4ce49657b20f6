#!/usr/bin/env bash
# Which processor this is, for bench/compare.sh (sourced) or on its own (prints the variables):
#   NAME, VENDOR, FAMILY, MODEL  as /proc/cpuinfo gives them (x86)
#   SLUG                         the folder of docs/performance/ its figures go to
#   CORETYPE                     OPENBLAS_CORETYPE for the peers' fair run, or "" to let OpenBLAS choose
# On aarch64 Linux gives no vendor, family, model or model name: the core's implementer and part (0x41 and 0xd0c
# for Arm's Neoverse N1) name the folder, lscpu's name (it knows the parts) the processor, and OpenBLAS chooses
# its kernels itself (OPENBLAS_VERBOSE=2 shows which). CPUINFO=FILE reads another cpuinfo (to check this script).
CPUINFO="${CPUINFO:-/proc/cpuinfo}"
field() { grep -m1 "^$1" "$CPUINFO" | cut -d: -f2- | sed 's/^ *//' || true; }
VENDOR="$(field vendor_id)"; FAMILY="$(field 'cpu family')"; NAME="$(field 'model name')"
MODEL="$(grep -m1 -E '^model\s*:' "$CPUINFO" | cut -d: -f2 | tr -d ' ' || true)"
IMPLEMENTER="$(field 'CPU implementer')"; PART="$(field 'CPU part')"
case "$VENDOR" in
  GenuineIntel) if grep -qw avx512f "$CPUINFO"; then CORETYPE=SkylakeX; else CORETYPE=Haswell; fi; SLUG="intel-family$FAMILY-model$MODEL" ;;
  AuthenticAMD) if grep -qw avx512f "$CPUINFO"; then CORETYPE=SkylakeX; else CORETYPE=Zen; fi; SLUG="amd-family$FAMILY-model$MODEL" ;;
  *) CORETYPE=""
     if [ -n "$IMPLEMENTER" ]; then
       SLUG="arm-implementer$IMPLEMENTER-part$PART"; VENDOR="ARM implementer $IMPLEMENTER"; FAMILY="-"; MODEL="part $PART"
       [ -n "$NAME" ] || NAME="$( (lscpu 2>/dev/null || true) | sed -n 's/^Model name: *//p' | head -1)"
     else
       SLUG="other-family$FAMILY-model$MODEL"
     fi ;;
esac
NAME="${NAME:-unknown processor}"
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  printf 'NAME=%s\nVENDOR=%s\nFAMILY=%s\nMODEL=%s\nSLUG=%s\nCORETYPE=%s\n' "$NAME" "$VENDOR" "$FAMILY" "$MODEL" "$SLUG" "$CORETYPE"
fi
