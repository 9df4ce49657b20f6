# Sourced by bin/nn (and by nn at the top of the source tree): run JAVA ARGS... runs the JVM and exits with its status.
# Runs the JVM ("$@") with the JVM's one-line "Using incubator modules" notice filtered out of its
# stderr, and the one Java 24+ prints for Spark's --add-opens of sun.security.action, a package it no
# longer has (so that an error stays one line; grep -a: every other byte passes through as it is, a NUL
# byte too) and stdin passed on, then exits with the JVM's status. SIGTERM, SIGHUP and SIGINT sent to
# this script are handed to the JVM as SIGTERM: its shutdown hook saves a last checkpoint (nn train
# --checkpoint, exit 75), so kill, timeout and service managers stop the run and not only this script
# (before, the JVM ran on without it). SIGTERM for Ctrl-C too: a job started in the background by a
# script ignores SIGINT. The filter ignores the signals so that the JVM's last lines still get through.
run() {
  set +e
  exec 3> >(trap '' INT TERM HUP; exec grep -a -v --line-buffered -e '^WARNING: Using incubator modules' -e '^WARNING: package sun.security.action not in java.base' >&2)
  local filter=$! child status
  "$@" <&0 2>&3 &
  child=$!
  exec 3>&-
  trap 'kill -TERM "$child" 2>/dev/null' TERM HUP INT
  while :; do
    wait "$child"
    status=$?
    [ "$status" -gt 128 ] && kill -0 "$child" 2>/dev/null && continue   # a signal woke wait; the JVM runs on
    break
  done
  if [ "$status" -gt 128 ]; then   # wait may have been woken just as the JVM ended: ask for its status again
    wait "$child" 2>/dev/null
    local again=$?
    [ "$again" -ne 127 ] && status=$again
  fi
  wait "$filter" 2>/dev/null
  exit "$status"
}

# Prints the JVM flag that asks for transparent huge pages for the heap, when the kernel gives them
# on request only ("madvise", Debian's default; with "always" the heap gets them anyway, with "never"
# the flag would only print a warning). On a virtual machine every TLB miss walks two page tables:
# with huge pages W2 trained 6-17 % faster and the batch gather took 2.5x less time on the KVM
# Intel Xeon of docs/PERFORMANCE.md (2026-11-30). numpy asks for them by default too.
huge_pages() {
  case "$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)" in
    *"[madvise]"*) echo "-XX:+UseTransparentHugePages" ;;
  esac
}

# The JIT flag the Vector API kernels need besides the module (printed when the module is given): C2
# stops speculating on a call's receiver class in a compilation once the class-check traps recorded
# in the methods it inlines add up to PerMethodTrapLimit (100 by default). A kernel inlines a few
# hundred Vector API calls, each adding that method's trap history, so the limit can be reached
# partway through it; past it, on JDK 17, a vector's species is no longer a constant and a store loses
# its intrinsic and boxes the vector: 18 KB a W2 step in about half the JVMs (docs/PERFORMANCE.md,
# "The 18 KB a W2 step"). With a limit of 1000, none in 22 JVMs.
vector_jit() {
  if [ -n "$1" ]; then echo "-XX:PerMethodTrapLimit=1000"; fi
}
