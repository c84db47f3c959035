# Sourced by ./mvnw and ./canaryctl: make JAVA_HOME point at a JDK >= 21 (the Lambda runtime is java21).
# Order: JAVA_HOME if it is new enough, `java` on PATH, then the usual install folders.
_canary_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
_canary_pick_jdk() {
  _cands=""
  [ -n "${JAVA_HOME:-}" ] && _cands="$JAVA_HOME"
  if command -v javac >/dev/null 2>&1; then
    _j=$(command -v javac); _j=$(readlink -f "$_j" 2>/dev/null || echo "$_j")
    _cands="$_cands ${_j%/bin/javac}"
  fi
  for _d in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$_d" ] && _cands="$_cands $_d"
  done
  _best=""; _bestv=0
  for _c in $_cands; do
    [ -x "$_c/bin/javac" ] || continue
    _v=$(_canary_java_major "$_c"); [ -n "$_v" ] || continue
    if [ "$_v" -ge 21 ] && [ "$_v" -gt "$_bestv" ]; then _best="$_c"; _bestv="$_v"; fi
    # JAVA_HOME wins whenever it is new enough.
    if [ "$_c" = "${JAVA_HOME:-}" ] && [ "$_v" -ge 21 ]; then _best="$_c"; break; fi
  done
  if [ -z "$_best" ]; then
    echo "error: this project needs a JDK 21 or newer (Lambda runtime java21) and none was found." >&2
    echo "       Install one (for example Temurin 21: https://adoptium.net, or 'apt-get install openjdk-21-jdk')" >&2
    echo "       and set JAVA_HOME to it. Looked in: JAVA_HOME, PATH, /usr/lib/jvm, /opt, ~/.sdkman." >&2
    exit 1
  fi
  JAVA_HOME="$_best"; export JAVA_HOME
}
_canary_pick_jdk
