#!/bin/sh
# Runs inside the debootstrapped root file system (via chroot) before it is
# imported as the base image. Trimming must happen here: deleting files in a
# later image layer does not make the image smaller.
set -eu
SUITE="$1"; MIRROR="$2"; SECURITY_MIRROR="$3"

cat > /etc/apt/sources.list <<SRC
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
SRC

# Docs, man pages and translations never ship; copyright files stay.
cat > /etc/dpkg/dpkg.cfg.d/01-seldon-nodoc <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
CFG

cat > /etc/apt/apt.conf.d/01-seldon-minimal <<'CFG'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
CFG

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get -y -qq upgrade
apt-get clean

find /usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
find /usr/share/doc -mindepth 1 -type d -empty -delete 2>/dev/null || true
rm -rf /usr/share/man/* /usr/share/info/* /usr/share/lintian/*
find /usr/share/locale -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null || true
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log \
       /var/log/alternatives.log /var/log/bootstrap.log /var/cache/ldconfig/aux-cache
: > /etc/resolv.conf
: > /etc/hostname
