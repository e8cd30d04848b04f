#!/usr/bin/env bash
# CI part of the release: builds every target of .goreleaser.yaml with plain
# `go build` (static, version stamped), packs this machine's binary into a
# wheel with release/pack_wheel.py, installs it into a fresh venv with pip
# (--no-index: no PyPI on CI; the wheel has no dependencies and no build
# step), and from that install runs `zgpu --version`, an offline
# `deps resolve`, and `deps check` on every corpus folder's own
# requirements.txt (a report) and on every file zgpu writes for them (must
# be clean). Run from the repository root; ../shared is the reference copy.
set -euo pipefail
cd "$(dirname "$0")/.."

# The machine's own index settings stay out of the offline runs below.
unset PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_FIND_LINKS PIP_NO_INDEX \
  UV_DEFAULT_INDEX UV_INDEX UV_INDEX_URL UV_EXTRA_INDEX_URL UV_FIND_LINKS UV_NO_INDEX

ver="0.0.0-ci"
dist=$(mktemp -d)
trap 'rm -rf "$dist"' EXIT

for target in linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64; do
  os=${target%/*}
  arch=${target#*/}
  exe=zgpu
  [ "$os" = windows ] && exe=zgpu.exe
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -ldflags "-s -w -X main.version=$ver" \
    -o "$dist/${os}_${arch}/$exe" ./cmd/zgpu
  echo "release: built $os/$arch ($(wc -c < "$dist/${os}_${arch}/$exe") bytes)"
done

hostos=$(go env GOOS)
hostarch=$(go env GOARCH)
wheel=$(python3 release/pack_wheel.py --binary "$dist/${hostos}_${hostarch}/zgpu" \
  --version "$ver" --goos "$hostos" --goarch "$hostarch" --out "$dist/wheels")
echo "release: wheel $(basename "$wheel")"
python3 -m venv "$dist/venv"
"$dist/venv/bin/python" -m pip install --no-index --no-deps --disable-pip-version-check "$wheel"
zgpu="$dist/venv/bin/zgpu"
"$zgpu" --version | grep -q "$ver"
"$zgpu" --version
"$dist/venv/bin/python" -m zgpu --version

# The catalog asset a release publishes (.goreleaser.yaml) verifies with
# `zgpu catalog update` and is the catalog this build embeds.
mkdir -p "$dist/catalog"
cp catalog/data/zerogpu.toml "$dist/catalog/"
(cd "$dist/catalog" && sha256sum zerogpu.toml > zerogpu.toml.sha256)
out=$("$zgpu" catalog update --offline --cache-dir "$dist/catalog-cache" --from "$dist/catalog/zerogpu.toml")
grep -q "is up to date" <<<"$out"

# An offline deps resolve from the installed wheel, and its own check.
cp -r testdata/spaces/flash-attn-sdist "$dist/space"
ZGPU_ALLOW_HOSTS=127.0.0.1 "$zgpu" deps resolve --offline --cache-dir "$dist/cache" "$dist/space" -o "$dist/space/requirements.txt"
"$zgpu" deps check "$dist/space"

# deps check on the corpus: each folder's own requirements.txt (real Spaces,
# problems expected: tallied), then every file zgpu writes for it offline
# (zero problems, or CI fails).
corpus=../shared/corpus
own=0 own_bad=0 written=0 written_bad=0
for d in "$corpus"/*/; do
  name=$(basename "$d")
  if [ -f "$d/requirements.txt" ]; then
    own=$((own + 1))
    "$zgpu" deps check "$d" > "$dist/check.txt" 2>&1 || own_bad=$((own_bad + 1))
  fi
  mkdir -p "$dist/out/$name"
  [ -f "$d/README.md" ] && cp "$d/README.md" "$dist/out/$name/"
  if ZGPU_ALLOW_HOSTS=127.0.0.1 "$zgpu" deps resolve -q --offline --cache-dir "$dist/cache" "$d" \
      -o "$dist/out/$name/requirements.txt" 2>/dev/null; then
    written=$((written + 1))
    if ! "$zgpu" deps check "$dist/out/$name" > "$dist/check.txt" 2>&1; then
      cat "$dist/check.txt"
      written_bad=$((written_bad + 1))
    fi
  fi
done
echo "deps check: corpus requirements.txt: $own checked, $own_bad with problems"
echo "deps check: files zgpu wrote (offline): $written checked, $written_bad with problems"
[ "$written_bad" -eq 0 ]
echo "release: ok"
