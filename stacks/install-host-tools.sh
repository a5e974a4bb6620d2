#!/usr/bin/env bash
# Installs the host tools the project needs from Debian packages, only those
# that are missing, so a second run does nothing. Needs root (or sudo) only
# when something is missing.
set -euo pipefail

# command on PATH -> Debian package that provides it
declare -A TOOLS=(
  [podman]=podman [buildah]=buildah [skopeo]=skopeo [runc]=runc
  [fuse-overlayfs]=fuse-overlayfs [newuidmap]=uidmap [debootstrap]=debootstrap
  # podman's --init (the private index container in tests/e2e) runs it; only recommended by podman
  [catatonit]=catatonit
  [wrk]=wrk [h2load]=nghttp2-client [git]=git [patchelf]=patchelf
  # bundled wheels lose their debug sections when packaged (platform/seldon_platform/wheelstrip.py)
  [x86_64-linux-gnu-strip]=binutils-x86-64-linux-gnu [aarch64-linux-gnu-strip]=binutils-aarch64-linux-gnu
)

missing=()
for cmd in "${!TOOLS[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${TOOLS[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

# A docker-only machine is fine for users; the project itself prefers podman,
# so we still install it when we are allowed to.
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  cat >&2 <<MSG
ERROR: missing host tools: ${missing[*]}

  These come from Debian packages and installing them needs root.
  To fix it: run 'sudo apt-get install -y ${missing[*]}' once, then run make again.
MSG
  exit 1
fi

echo "==> Installing host packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get update -qq || \
   ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  cat >&2 <<MSG
ERROR: apt-get could not install: ${missing[*]}

  The Debian mirror in /etc/apt/sources.list* was not reachable or a package
  download failed (see apt's messages above).
  To fix it: check the network and the mirror, then run make again; packages
  already installed are kept, so the next run continues from there.
MSG
  exit 1
fi
