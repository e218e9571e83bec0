#!/bin/sh
# A stand-in for docker, kind, kubectl, helm, flux and openssl in the cluster-lifecycle tests (see README.md).
#
#   fake-tool.sh <tool> [args...]
#
# 1. Appends {"tool":…,"argv":[…]} as one JSON line to $FAKE_TOOLS_LOG, and copies every file passed with
#    --config/--values/--filename/-f to $FAKE_TOOLS_LOG.d/<line>-<name> (temp files are gone after the run).
# 2. Answers from the first rule in $FAKE_TOOLS_SCENARIO/rules whose tool matches and whose shell glob
#    matches the arguments joined by spaces. A rule's responses are numbered 0, 1, …; call n gets response n
#    and the last one repeats. Each response has optional <n>.out, <n>.err, <n>.code (exit status), <n>.delay
#    (seconds to sleep first).
# 3. Without a matching rule: realistic defaults (current versions, no clusters, empty lists, success); for
#    openssl the real /usr/bin/openssl, because the files it writes (keys, certificates) are the point of the call.
# Only system utilities: the caller's PATH may hold nothing but fakes.
PATH=/usr/bin:/bin
export PATH
tool=$1
shift
log=${FAKE_TOOLS_LOG:?FAKE_TOOLS_LOG must name the call log}

awk 'function json(s,   out, i, c) {
  out = ""
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (c == "\\") out = out "\\\\"
    else if (c == "\"") out = out "\\\""
    else if (c == "\n") out = out "\\n"
    else if (c == "\t") out = out "\\t"
    else out = out c
  }
  return "\"" out "\""
}
BEGIN {
  printf "{\"tool\":%s,\"argv\":[", json(ARGV[1])
  for (i = 2; i < ARGC; i++) printf "%s%s", (i > 2 ? "," : ""), json(ARGV[i])
  printf "]}\n"
}' "$tool" "$@" >> "$log"

keep() { # copies a file argument next to the log, named after the call's line number
  [ -f "$1" ] || return 0
  [ -n "$line" ] || line=$(wc -l < "$log" | tr -d ' ')
  mkdir -p "$log.d" && cp "$1" "$log.d/$line-${1##*/}"
}
line=
prev=
for a in "$@"; do
  case "$prev" in --config|--values|--filename|-f) keep "$a" ;; esac
  case "$a" in --config=*|--values=*|--filename=*) keep "${a#*=}" ;; esac
  prev=$a
done

args="$*"
scenario=${FAKE_TOOLS_SCENARIO:-}
if [ -n "$scenario" ] && [ -f "$scenario/rules" ]; then
  tab=$(printf '\t')
  while IFS="$tab" read -r rtool pattern dir; do
    [ "$rtool" = "$tool" ] || continue
    # shellcheck disable=SC2254
    case "$args" in
      $pattern)
        r="$scenario/$dir"
        n=0 last=0 code=0
        [ -f "$r/count" ] && read -r n < "$r/count"
        echo $((n + 1)) > "$r/count"
        read -r last < "$r/last"
        [ "$n" -gt "$last" ] && n=$last
        if [ -f "$r/$n.delay" ]; then read -r delay < "$r/$n.delay"; sleep "$delay"; fi
        [ -f "$r/$n.out" ] && cat "$r/$n.out"
        [ -f "$r/$n.err" ] && cat "$r/$n.err" >&2
        [ -f "$r/$n.code" ] && read -r code < "$r/$n.code"
        exit "$code"
        ;;
    esac
  done < "$scenario/rules"
fi

case "$tool $args" in
  "openssl "*) exec openssl "$@" ;;
  "docker info --format {{.ServerVersion}}") echo "28.3.2" ;;
  "kind version") echo "kind v0.32.0 go1.25.1 linux/amd64" ;;
  "kind get clusters") echo "No kind clusters found." >&2 ;;
  "kubectl version --client --output=json") echo '{"clientVersion":{"major":"1","minor":"35","gitVersion":"v1.35.0"}}' ;;
  "helm version --short") echo "v3.20.0+g1a2b3c4" ;;
  "flux version --client") echo "flux: v2.9.4" ;;
  "helm status "*) echo "Error: release: not found" >&2; exit 1 ;;
  "kubectl "*" get --raw /readyz") echo "ok" ;;
  "kubectl "*" get deployment "*" --namespace flux-system --output json")
    # A Flux controller as `flux install` leaves it: container "manager", default args, not locked down.
    echo '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"controller","namespace":"flux-system"},"spec":{"template":{"spec":{"containers":[{"name":"manager","args":["--watch-all-namespaces=true","--log-level=info"]}]}}}}' ;;
  "kubectl "*" get "*" --all-namespaces --output json")
    echo '{"apiVersion":"v1","kind":"List","items":[]}' ;;
  "kubectl "*" get "*" --output json")
    echo 'Error from server (NotFound): not found' >&2; exit 1 ;;
esac
exit 0
