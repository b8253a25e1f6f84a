# Minimal Debian roots made with debootstrap, for scripts/test-pg17-trixie.sh
# and scripts/build-deb.sh (sourced, not run).  Needs root.
#
#   debroot_make SUITE CACHE KEY PACKAGE...   unpack a fresh root in
#       CACHE/root-KEY from CACHE/base-KEY.tar, made once from CACHE/minbase.tar
#       (debootstrap --variant=minbase SUITE, made once) and the packages
#   debroot_run ROOT 'shell command'          run in the root, clean environment
#   debroot_cleanup ROOT                      unmount what debroot_make mounted
#   debroot_lock CACHE                        take CACHE for this script's run
#
# The root gets the host's /proc, /sys, /dev (and pts, shm) bind-mounted; the
# caller traps EXIT to debroot_cleanup.  No service starts in the root and no
# default cluster is created: tests make their own with pg_virtualenv.

DEBROOT_MOUNTS=(proc sys dev dev/pts dev/shm)

# One run at a time per cache directory: a second run would delete the
# first one's root under it.  The lock is held until the script exits.
debroot_lock() {
	mkdir -p "$1"
	exec 9>"$1/.lock"
	flock -n 9 || { echo "debroot: another run is using $1; wait for it" >&2; exit 2; }
}

debroot_cleanup() {
	local dir=$1 i
	for ((i = ${#DEBROOT_MOUNTS[@]} - 1; i >= 0; i--)); do
		if mountpoint -q "$dir/${DEBROOT_MOUNTS[i]}"; then umount "$dir/${DEBROOT_MOUNTS[i]}"; fi
	done
	# never report a root clean (and so deletable) while the host's /dev or
	# /proc is still mounted in it
	! grep -q " $dir/" /proc/mounts
}

debroot_mount() {
	local m
	for m in "${DEBROOT_MOUNTS[@]}"; do mount --bind "/$m" "$1/$m"; done
	cp /etc/resolv.conf "$1/etc/resolv.conf"
}

debroot_run() {
	chroot "$1" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive bash -c "$2" </dev/null
}

debroot_make() {
	local suite=$1 cache=$2 key=$3
	shift 3
	local minbase=$cache/minbase.tar base=$cache/base-$key.tar root=$cache/root-$key build=$cache/build-$key
	[ "$(id -u)" = 0 ] || { echo "debroot: needs root (debootstrap, chroot)" >&2; return 2; }
	command -v debootstrap >/dev/null || {
		apt-get update -qq && apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; } || return 2
	mkdir -p "$cache"
	if [ ! -s "$minbase" ]; then
		rm -rf "$cache/debootstrap"
		printf '\n==> debootstrap %s (once; kept in %s)\n' "$suite" "$minbase"
		debootstrap --variant=minbase "$suite" "$cache/debootstrap" http://deb.debian.org/debian \
			>"$cache/debootstrap.log" 2>&1 || { tail -20 "$cache/debootstrap.log"; return 2; }
		if [ "$suite" = sid ] || [ "$suite" = unstable ]; then
			echo "deb http://deb.debian.org/debian $suite main" >"$cache/debootstrap/etc/apt/sources.list"
		else
			cat >"$cache/debootstrap/etc/apt/sources.list" <<-EOF
				deb http://deb.debian.org/debian $suite main
				deb http://deb.debian.org/debian $suite-updates main
				deb http://deb.debian.org/debian-security $suite-security main
			EOF
		fi
		printf '#!/bin/sh\nexit 101\n' >"$cache/debootstrap/usr/sbin/policy-rc.d"
		chmod 755 "$cache/debootstrap/usr/sbin/policy-rc.d"
		mkdir -p "$cache/debootstrap/etc/postgresql-common/createcluster.d"
		echo "create_main_cluster = false" >"$cache/debootstrap/etc/postgresql-common/createcluster.d/no-main.conf"
		tar -C "$cache/debootstrap" -cf "$minbase.part" . && mv "$minbase.part" "$minbase" && rm -rf "$cache/debootstrap"
	fi
	if [ ! -s "$base" ]; then
		debroot_cleanup "$build" || return 2
		rm -rf "$build"
		mkdir -p "$build"
		tar -C "$build" -xf "$minbase"
		# unstable's Release files are valid for a week only, so a machine whose
		# clock runs ahead would refuse them; a throwaway test root accepts them
		if [ "$suite" = sid ] || [ "$suite" = unstable ]; then
			echo 'Acquire::Check-Valid-Until "false";' >"$build/etc/apt/apt.conf.d/99mpc-valid-until"
		fi
		if [ $# -gt 0 ]; then
			printf '\n==> installing %s in a %s root (once; kept in %s)\n' "$*" "$suite" "$base"
			debroot_mount "$build"
			if ! debroot_run "$build" "apt-get update -qq && apt-get install -y -qq --no-install-recommends $* >/dev/null"; then
				debroot_cleanup "$build"
				return 2
			fi
			debroot_cleanup "$build" || return 2
		fi
		tar -C "$build" -cf "$base.part" . && mv "$base.part" "$base" && rm -rf "$build"
	fi
	debroot_cleanup "$root" || { echo "debroot: mounts left under $root" >&2; return 2; }
	rm -rf "$root"
	mkdir -p "$root"
	tar -C "$root" -xf "$base"
	debroot_mount "$root"
}
