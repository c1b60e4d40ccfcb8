# SPDX-License-Identifier: MIT
# tests/package/lib.sh — sourced by tests/package/test_*.sh: the Debian packages
# built from this tree (once per tree content, shared by the scripts), their
# installation with apt-get and their purge, always, when the script ends.
#   pkg_unavailable          prints why the package tests cannot run here, or nothing
#   pkg_build                sets PKG_DIR (the .debs, .changes, build log); builds if needed
#   pkg_install NAME...      apt-get install ./NAME_*.deb; purged on exit
#   pkg_purge NAME...        purge now
#   pkg_tmpdir               PKG_TMP: a temp dir outside /tmp and /var/tmp (which the
#                            PrivateTmp emulation hides), removed on exit
#   pkg_at_exit CMD          run CMD on exit, before the purge (daemons to stop)
#   pkg_lock                 oomcg_lock, waited for in the background: another
#                            test may hold it for minutes, and a TERM meanwhile
#                            must still stop the daemons and purge
PKG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$PKG_ROOT/tests/lib/tap.sh"
export PATH=$PATH:/usr/sbin:/sbin
PKG_INSTALLED=()
PKG_EXIT=()
PKG_TMP=

pkg_unavailable() {
	[ "$(id -u)" = 0 ] || { echo "the package tests install packages: they need root"; return; }
	local t
	for t in dpkg-buildpackage dh lintian apt-get; do
		command -v "$t" >/dev/null || { echo "$t is not installed (make deps)"; return; }
	done
}

pkg_cleanup() {
	local i
	for ((i = ${#PKG_EXIT[@]} - 1; i >= 0; i--)); do eval "${PKG_EXIT[i]}"; done
	[ "${#PKG_INSTALLED[@]}" -gt 0 ] && pkg_purge "${PKG_INSTALLED[@]}"
	[ -n "$PKG_TMP" ] && rm -rf "$PKG_TMP"
	declare -F oomcg_remove >/dev/null && oomcg_remove
}
trap pkg_cleanup EXIT
# Killed (tests/run.sh's timeout, ^C): still stop the daemons and purge.
trap 'exit 143' TERM
trap 'exit 130' INT
pkg_at_exit() { PKG_EXIT+=("$1"); }

pkg_lock() {
	exec 9>/tmp/oomwatch-live-test.lock # oomcg_lock's file: the lock lives on fd 9 of this shell
	flock 9 &
	wait $!
}

pkg_tmpdir() {
	PKG_TMP=$(mktemp -d /run/oomwatch-pkgtest.XXXXXX)
	chmod 755 "$PKG_TMP"
}

# Keyed by the tree's content (not mtimes), so that a changed file rebuilds;
# serialised, so that two scripts never build into the same directory.
pkg_build() {
	local key
	key=$(cd "$PKG_ROOT" && tar --exclude=./build --exclude=./.git --sort=name --mtime=@0 \
		--owner=0 --group=0 --numeric-owner -cf - . | md5sum | cut -c1-16)
	PKG_DIR=/tmp/oomwatch-debs-$key
	exec 8>/tmp/oomwatch-debs.lock
	flock 8
	if [ ! -f "$PKG_DIR/done" ]; then
		# the builds of older trees: only stale ones, so that two trees tested
		# at once (git worktrees) do not delete each other's packages
		find /tmp -maxdepth 1 -name 'oomwatch-debs-*' -type d -mmin +120 -exec rm -rf {} +
		mkdir -p "$PKG_DIR/src"
		(cd "$PKG_ROOT" && tar --exclude=./build --exclude=./.git -cf - .) | tar -xf - -C "$PKG_DIR/src"
		if (cd "$PKG_DIR/src" && dpkg-buildpackage -us -uc -b) >"$PKG_DIR/build.log" 2>&1; then
			touch "$PKG_DIR/done"
		fi
		rm -rf "$PKG_DIR/src"
	fi
	flock -u 8
	[ -f "$PKG_DIR/done" ]
}

pkg_install() {
	local debs=() p
	for p in "$@"; do
		debs+=("$PKG_DIR/${p}_"*_*.deb)
		PKG_INSTALLED+=("$p")
	done
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=900 "${debs[@]}" >"$PKG_DIR/install-$$.log" 2>&1
	local rc=$?
	[ $rc = 0 ] || cat "$PKG_DIR/install-$$.log" >&2
	rm -f "$PKG_DIR/install-$$.log"
	return $rc
}

pkg_purge() {
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -q -o DPkg::Lock::Timeout=900 "$@" >/dev/null 2>&1
	local rc=$? p left=()
	for p in "${PKG_INSTALLED[@]}"; do
		[[ " $* " == *" $p "* ]] || left+=("$p")
	done
	PKG_INSTALLED=("${left[@]}")
	return $rc
}

# A TCP or UDP port on 127.0.0.1: the stock one when nobody listens on it, else a free one.
pkg_port() {
	local proto=$1 stock=$2
	if ! ss -Hln"${proto:0:1}" "sport = :$stock" | grep -q .; then
		echo "$stock"
		return
	fi
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' "$proto"
}
