#!/bin/bash
# speed.sh: issue 14's benchmark. Serves ../shared/mirror (with
# testdata/mirror-overlay on top when the tree has it: what the builder
# installs that the mirror lacks, merged as the tests' fakes merge it, by
# bench/overlay_mirror.py) with ../shared/tools/mirror_server.py at
# LATENCY_MS (20) per request and, for each set, runs in this order, REPEAT
# (3) times:
#   pip cold, zgpu cold, pip warm, zgpu warm, zgpu offline
# pip is pip 24.2 (CPython 3.13's bundled wheel) on pyenv's CPython 3.12.1
# through ../shared/tools/pip_metadata_only.py, with the same roots zgpu
# resolves. Sets (bench/sets):
#   w1, gradio      Space folders: `zgpu deps resolve DIR` (the product;
#                   what the platform installs co-resolved: see
#                   platform_roots)
#   corpus-160      160 roots: the corpus requirements most often named that
#                   lock on the mirror (bench/sets/corpus-160.txt)
#   synthetic-300   300 roots (bench/sets/synthetic-300.txt)
#                   both with bench/zgpulock (lock.Lock alone)
# It prints one line per run (seconds, peak RSS, requests the server got,
# CPU time of zgpu and of the server: both share the machine's cores)
# and a Markdown table of medians with ratios computed per repetition
# (pip and zgpu of the same repetition), and the depth limit:
# lock.Depth of the lock x 2 x latency.
#
# Usage: bench/speed.sh [OUT.md]
#   env: SETS="w1 gradio", REPEAT=3, LATENCY_MS=20, PIP=0 (no pip at all),
#        PIP_SETS="w1 corpus-160" (the sets pip runs on), SERVER=go (serve
#        with bench/mirrorserve instead of mirror_server.py),
#        ZGPU=path ZGPULOCK=path (binaries to measure instead of this tree's)
set -eu
cd "$(dirname "$0")/.."
root=$PWD
out=${1:-bench/speed-table.md}
case $out in /*) ;; *) out=$root/$out ;; esac
SETS=${SETS:-"w1 gradio corpus-160 synthetic-300"}
REPEAT=${REPEAT:-3}
LATENCY_MS=${LATENCY_MS:-20}
PIP=${PIP:-1}
# SERVER=go serves the same mirror with bench/mirrorserve (the same
# answers, latency and log, without the Python server's CPU per request).
SERVER=${SERVER:-python}
# pip runs on these sets only (on the 300 roots it takes minutes per run).
PIP_SETS=${PIP_SETS:-"w1 gradio corpus-160"}
PY312=${PY312:-$HOME/.pyenv/versions/3.12.1/bin/python3}
PIPWHL=${PIPWHL:-$HOME/.pyenv/versions/3.13.0/lib/python3.13/ensurepip/_bundled/pip-24.2-py3-none-any.whl}
shared=$root/../shared

work=$(mktemp -d)
server=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
# ZGPU and ZGPULOCK may name other builds (an older commit's, to compare).
if [ -n "${ZGPU:-}" ]; then cp "$ZGPU" "$work/zgpu"; else go build -o "$work/zgpu" ./cmd/zgpu; fi
go build -o "$work/depthlock" ./bench/zgpulock # this tree's: it reports the depth
if [ -n "${ZGPULOCK:-}" ]; then cp "$ZGPULOCK" "$work/zgpulock"; else cp "$work/depthlock" "$work/zgpulock"; fi
mirror=$shared/mirror
if [ -d testdata/mirror-overlay ]; then
	python3 bench/overlay_mirror.py "$mirror" testdata/mirror-overlay "$work/mirror"
	mirror=$work/mirror
fi
if [ "$SERVER" = go ]; then
	go build -o "$work/mirrorserve" ./bench/mirrorserve
	"$work/mirrorserve" "$mirror" "$work/port" --latency-ms "$LATENCY_MS" --log "$work/log" &
else
	python3 "$shared/tools/mirror_server.py" "$mirror" "$work/port" --latency-ms "$LATENCY_MS" --log "$work/log" &
fi
server=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
url=http://127.0.0.1:$(cat "$work/port")/simple/
export ZGPU_ALLOW_HOSTS=127.0.0.1

platforms=""
for g in $(seq 28 -1 5); do platforms="$platforms --platform manylinux_2_${g}_x86_64"; done
platforms="$platforms --platform manylinux2014_x86_64 --platform manylinux2010_x86_64 --platform manylinux1_x86_64"

# srvcpu: the mirror server's CPU time so far (user+system, clock ticks).
srvcpu() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
tck=$(getconf CLK_TCK)

# timed CMD...: runs CMD, sets $secs, $cpu (user+system s), $rss_mb, $reqs
# (server log lines), $scpu (the server's CPU time meanwhile, s) and $ovf
# (connections the kernel dropped meanwhile because a listening socket's
# accept queue was full: mirror_server.py listens with a backlog of 5, and
# a dropped connection costs its request a retransmission, 200 ms or more).
timed() {
	: >"$work/log"
	s0=$(srvcpu)
	nstat -n >/dev/null 2>&1 || true
	/usr/bin/time -o "$work/time" -f "%e %M %U %S" "$@" >"$work/stdout" 2>"$work/stderr" || {
		echo "failed: $*" >&2
		tail -5 "$work/stderr" >&2
		return 1
	}
	sleep 0.05
	scpu=$(awk -v a="$s0" -v b="$(srvcpu)" -v t="$tck" 'BEGIN { printf "%.2f", (b - a) / t }')
	ovf=$(nstat -z TcpExtListenOverflows 2>/dev/null | awk '/ListenOverflows/ { print $2 }')
	ovf=${ovf:--}
	read -r secs kb usr sys <"$work/time"
	cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
	rss_mb=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
	reqs=$(wc -l <"$work/log")
}

# roots SET: the requirements the lock resolves (for pip and the depth).
roots() {
	case $1 in
	w1 | gradio)
		grep -v '^#' "bench/sets/$1/requirements.txt"
		platform_roots "$(sed -n 's/^sdk_version: *//p' "bench/sets/$1/README.md")"
		;;
	*) cat "bench/sets/$1.txt" ;;
	esac
}

# platform_roots SDK: what the lock of a Space folder co-resolves with its
# requirements: the catalog's [builder] install set when this tree's lock
# uses it (catalog.BuilderInstall; "{sdk_version}" replaced, or the gradio
# pin dropped without one), else gradio at sdk_version and spaces.
platform_roots() {
	if grep -qs 'BuilderInstall(' zerogpu/*.go; then
		python3 - "$1" <<'PY'
import sys, tomllib
sdk = sys.argv[1]
with open("catalog/data/zerogpu.toml", "rb") as f:
    for r in tomllib.load(f)["builder"]["install"]:
        if "{sdk_version}" in r:
            r = r.replace("{sdk_version}", sdk) if sdk else r[:r.index("==")]
        print(r)
PY
	else
		if [ -n "$1" ]; then echo "gradio==$1"; else echo gradio; fi
		echo spaces
	fi
}

zgpu_run() { # SET CACHE [offline]
	set_=$1 cache=$2 off=
	case $set_ in
	w1 | gradio)
		[ $# -gt 2 ] && off=--offline
		# A new output file each run: an existing one would steer the lock.
		rm -f "$work/out-$set_.txt"
		timed "$work/zgpu" deps resolve "bench/sets/$set_" -q --index-url "$url" --cache-dir "$cache" -o "$work/out-$set_.txt" $off
		;;
	*)
		[ $# -gt 2 ] && off=-offline
		timed "$work/zgpulock" -index-url "$url" -cache-dir "$cache" -python 3.12.1 $off $(roots "$set_")
		;;
	esac
}

pip_run() { # SET CACHE
	# shellcheck disable=SC2046
	PYTHONPATH=$PIPWHL PIP_CONFIG_FILE=/dev/null PYTHONNOUSERSITE=1 timed "$PY312" "$shared/tools/pip_metadata_only.py" \
		install --dry-run --ignore-installed --quiet --report "$work/report.json" --only-binary=:all: \
		--index-url "$url" --python-version 3.12.1 --target "$work/target" --disable-pip-version-check \
		--no-input --cache-dir "$2" $platforms $(roots "$1")
}

# median of the numbers read ("-", a run without pip, is left out).
median() { grep -E '^[0-9.]+$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3g\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.1f", a / b; else print "-" }'; }

echo "load before: $(uptime)" >&2
rows=""
for s in $SETS; do
	: >"$work/m"
	# The depth limit, from a lock of the same roots.
	"$work/depthlock" -index-url "$url" -cache-dir "$work/depth-cache" -python 3.12.1 $(roots "$s") >/dev/null 2>"$work/depth.json" || true
	depth=$(sed -n 's/.*"depth":\([0-9]*\).*/\1/p' "$work/depth.json" | tail -1)
	pins=$(sed -n 's/.*"packages":\([0-9]*\).*/\1/p' "$work/depth.json" | tail -1)
	for i in $(seq "$REPEAT"); do
		rm -rf "$work/pc" "$work/zc"
		pc=- pw=- pcr=- prss=0
		runpip=0
		case " $PIP_SETS " in *" $s "*) runpip=$PIP ;; esac
		if [ "$runpip" = 1 ]; then pip_run "$s" "$work/pc"; pc=$secs; pcr=$reqs; prss=$rss_mb; fi
		zgpu_run "$s" "$work/zc"; zc=$secs; zcr=$reqs; zrss=$rss_mb; zcc=$cpu; zcs=$scpu; zco=$ovf
		if [ "$runpip" = 1 ]; then pip_run "$s" "$work/pc"; pw=$secs; fi
		zgpu_run "$s" "$work/zc"; zw=$secs; zwr=$reqs; zwc=$cpu; zws=$scpu; zwo=$ovf
		zgpu_run "$s" "$work/zc" offline
		zo=$secs zoc=$cpu
		echo "$s #$i: pip cold $pc s ($pcr req, $prss MB) | zgpu cold $zc s ($zcr req, $zrss MB) | pip warm $pw s | zgpu warm $zw s ($zwr req) | zgpu offline $zo s | zgpu CPU cold $zcc s, warm $zwc s, offline $zoc s | server CPU cold $zcs s, warm $zws s | listen overflows cold $zco, warm $zwo" >&2
		echo "$pc $zc $pw $zw $zo $zcr $zwr $zrss ${prss:-0} $(ratio "$pc" "$zc") $(ratio "$pw" "$zw") $zcc $zoc $zwc $zcs $zws $zco $zwo" >>"$work/m"
	done
	col() { awk -v c="$1" '{ print $c }' "$work/m" | median; }
	limit=$(awk -v d="$depth" -v l="$LATENCY_MS" 'BEGIN { printf "%.2f", d * 2 * l / 1000 }')
	zcm=$(col 2)
	rows="$rows| $s | $pins | $depth | $limit | $(col 1) | $zcm | $(ratio "$zcm" "$limit")x | $(col 10)x | $(col 3) | $(col 4) | $(col 11)x | $(col 5) | $(col 6) / $(col 7) | $(col 9) | $(col 8) | $(col 12) / $(col 14) / $(col 13) | $(col 15) / $(col 16) | $(col 17) / $(col 18) |
"
done
echo "load after: $(uptime)" >&2
{
	echo "| set | pins | depth | depth limit s | pip cold s | zgpu cold s | cold / limit | pip/zgpu cold | pip warm s | zgpu warm s | pip/zgpu warm | zgpu offline s | zgpu requests cold / warm | pip peak RSS MB | zgpu peak RSS MB | zgpu CPU s cold / warm / offline | server CPU s during zgpu cold / warm | listen overflows during zgpu cold / warm |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	printf "%s" "$rows"
} >"$out"
cat "$out"
