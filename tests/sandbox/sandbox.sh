#!/usr/bin/env bash
# Builds and runs the sandbox Open edX hosts with podman, in private storage
# under .sandbox/ so that the machine's own podman is left alone.
#
#   sandbox.sh build [RELEASE...]   build the base image and the release images
#   sandbox.sh up NAME RELEASE [VOLUME]
#                                   (re)start one host from a fresh image, with
#                                   its own MariaDB; hosts given the same VOLUME
#                                   share one server (container VOLUME-db), like
#                                   the app servers of one instance
#   sandbox.sh db VOLUME RELEASE    start (if not running) the database server
#                                   VOLUME-db that hosts given VOLUME share
#   sandbox.sh down [NAME...]       remove hosts (all sandbox hosts by default)
#   sandbox.sh env                  print the environment lines to use podman here
#   sandbox.sh hash RELEASE         print what RELEASE's image is cached by (its
#                                   sandbox.hash label before the base image's tag)
#
# Images are cached: a release image is rebuilt only when the sandbox's
# sources (edx-platform, image/) or that release's requirements file change.
# A release installs requirements-RELEASE.txt when there is one, else
# requirements.txt; each file has its own wheelhouse under .sandbox/.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
STATE="${SANDBOX_STATE_DIR:-$ROOT/.sandbox}"
BASE_IMAGE=  # set by build_base
LABEL=openedx-sandbox

setup_podman_env() {
    mkdir -p "$STATE/storage" "$STATE/run"
    cat > "$STATE/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$STATE/storage"
runroot = "$STATE/run"
CONF
    export CONTAINERS_CONF="$HERE/image/containers.conf"
    export CONTAINERS_STORAGE_CONF="$STATE/storage.conf"
}

log() { printf 'sandbox: %s\n' "$*" >&2; }

# The requirements file of one release: its own requirements-RELEASE.txt
# (its Django major and libraries), else the sandbox's requirements.txt.
requirements_file() {
    local own="$HERE/requirements-$1.txt"
    if [ -f "$own" ]; then echo "$own"; else echo "$HERE/requirements.txt"; fi
}

file_hash() { sha256sum "$1" | cut -c1-16; }

# What a release image is built from: the platform, image/ and the content
# of that release's requirements file only, so that editing another
# release's file does not rebuild this one.
sources_hash() {
    local req
    req="$(requirements_file "$1")"
    { (cd "$HERE" && find edx-platform image -type f \
        ! -name '*.pyc' ! -path '*/__pycache__/*' ! -name '*.sqlite3' -print0 \
        | LC_ALL=C sort -z | xargs -0 sha256sum)
      echo "requirements $(file_hash "$req")"; } | sha256sum | cut -c1-16
}

# The packages a native Open edX host has that the toolkit touches:
# systemd as PID 1, supervisor, sudo, python3 (+ PyYAML) for the Ansible
# modules, and MariaDB, the MySQL server of a native install (one per host,
# or one per instance for a fleet: see cmd_up). iproute2 and procps are for
# whoever debugs it.
BASE_PACKAGES=systemd,systemd-sysv,dbus,python3,python3-venv,python3-yaml,sudo,supervisor,procps,iproute2,mariadb-server

build_base() {
    # The base image and its root filesystem are named by their package
    # list, so that a changed list builds a new one instead of reusing a
    # stale image.
    local tag tar
    tag="$(printf '%s' "$BASE_PACKAGES" | sha256sum | cut -c1-12)"
    BASE_IMAGE="localhost/openedx-sandbox-base:$tag"
    if podman image exists "$BASE_IMAGE"; then return; fi
    tar="$STATE/rootfs-$tag.tar"
    if [ ! -s "$tar" ]; then
        log "building the Debian root filesystem with mmdebstrap (about two minutes)"
        rm -f "$STATE"/rootfs*.tar
        mmdebstrap --quiet --variant=minbase --format=tar --include="$BASE_PACKAGES" \
            bookworm "$tar.tmp"
        mv "$tar.tmp" "$tar"
    fi
    log "importing the base image"
    podman import --quiet --change 'CMD ["/sbin/init"]' "$tar" "$BASE_IMAGE" >/dev/null
}

# One wheelhouse per requirements file, named by the file's content
# (.sandbox/wheels-HASH), so that releases sharing a file share its wheels
# and a changed file builds new ones.
wheelhouse() { echo "$STATE/wheels-$(file_hash "$1")"; }

build_wheels() {
    local req="$1" wheels
    wheels="$(wheelhouse "$req")"
    [ -f "$wheels/.complete" ] && return
    log "building the wheelhouse of ${req#"$ROOT"/}"
    rm -rf "$wheels" && mkdir -p "$wheels"
    # pip inside the container cannot verify TLS; the container installs
    # from these wheels with --no-index instead.
    "$ROOT/.venv/bin/pip" wheel --quiet --wheel-dir "$wheels" -r "$req"
    touch "$wheels/.complete"
}

# Wheelhouses of requirements files that no longer exist or have changed.
prune_wheels() {
    local keep=() req dir
    for req in "$HERE"/requirements*.txt; do keep+=("$(wheelhouse "$req")"); done
    for dir in "$STATE"/wheels "$STATE"/wheels-*; do
        [ -d "$dir" ] || continue
        [[ " ${keep[*]} " == *" $dir "* ]] || rm -rf "$dir"
    done
}

build_release() {
    local release="$1" hash image current req wheels
    # A new base image (another package list) means new release images.
    hash="$(sources_hash "$release")-${BASE_IMAGE##*:}"
    image="localhost/openedx-sandbox:$release"
    current="$(podman image inspect --format '{{ index .Labels "sandbox.hash" }}' "$image" 2>/dev/null || true)"
    if [ "$current" = "$hash" ]; then return; fi
    req="$(requirements_file "$release")"
    build_wheels "$req"
    wheels="$(wheelhouse "$req")"
    log "building the $release image (${req#"$ROOT"/})"
    local ctx="$STATE/context"
    rm -rf "$ctx" && mkdir -p "$ctx"
    cp -a "$wheels" "$ctx/wheels"
    rm -f "$ctx/wheels/.complete"
    cp -a "$HERE/image" "$ctx/image"
    cp -a "$HERE/edx-platform" "$ctx/edx-platform"
    cp "$req" "$ctx/requirements.txt"
    find "$ctx" \( -name '__pycache__' -o -name '*.sqlite3' \) -prune -exec rm -rf {} +
    podman build --quiet --network=none --build-arg RELEASE="$release" \
        --build-arg BASE_IMAGE="$BASE_IMAGE" --label "sandbox.hash=$hash" \
        --label "$LABEL=$release" -f "$HERE/image/Containerfile" -t "$image" "$ctx" >/dev/null
    rm -rf "$ctx"
    podman image prune --force >/dev/null
}

cmd_build() {
    build_base
    prune_wheels
    local release
    for release in "${@:-hawthorn maple}"; do
        for r in $release; do build_release "$r"; done
    done
}

wait_running() {
    local name="$1" state i
    for i in $(seq 1 60); do
        state="$(podman exec "$name" systemctl is-system-running 2>/dev/null || true)"
        case "$state" in
            running) return 0 ;;
            degraded)
                log "$name: systemd is degraded:"
                podman exec "$name" systemctl --failed --no-legend >&2 || true
                return 1 ;;
        esac
        sleep 0.5
    done
    log "$name: systemd did not come up (state: $state)"
    return 1
}

# The database server of an instance whose hosts share it: a container of
# the release image that runs only MariaDB on the VOLUME (a copy of the
# image's seeded data directory, made when the volume is new), with its
# socket folder on the volume VOLUME-socket that the hosts mount at
# /run/mysqld. (The containers have no network, so the hosts reach the
# server through its unix socket, as the platform's HOST "localhost" does;
# the marker file keeps each host's own server off.)
db_up() {
    local volume="$1" release="$2" name="$1-db" i
    if [ "$(podman container inspect --format '{{.State.Running}}' "$name" 2>/dev/null)" = true ]; then
        return
    fi
    podman rm --force --time 0 "$name" >/dev/null 2>&1 || true
    local v
    for v in "$volume" "$volume-socket"; do
        podman volume exists "$v" || podman volume create --label "$LABEL=$release" "$v" >/dev/null
    done
    podman run --detach --name "$name" --hostname "$name" --label "$LABEL=$release" \
        --volume "$volume:/var/lib/mysql" --volume "$volume-socket:/run/mysqld" \
        "localhost/openedx-sandbox:$release" /bin/sh -c \
        'chown mysql:mysql /run/mysqld && touch /run/mysqld/instance-server && exec mariadbd --user=mysql' >/dev/null
    for i in $(seq 1 60); do
        podman exec "$name" mariadb-admin --silent ping >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    log "$name: MariaDB did not come up:"
    podman logs --tail 20 "$name" >&2 || true
    return 1
}

cmd_up() {
    local name="$1" release="$2" volume="${3:-}" mount=()
    cmd_build "$release"
    podman rm --force --time 0 "$name" >/dev/null 2>&1 || true
    if [ -n "$volume" ]; then
        db_up "$volume" "$release"
        mount=(--volume "$volume-socket:/run/mysqld")
    fi
    podman run --detach --name "$name" --hostname "$name" --systemd=always "${mount[@]}" \
        --label "$LABEL=$release" "localhost/openedx-sandbox:$release" /sbin/init >/dev/null
    wait_running "$name"
    log "$name is up ($release${volume:+, database server $volume-db})"
}

cmd_down() {
    local names=("$@")
    if [ ${#names[@]} -eq 0 ]; then
        mapfile -t names < <(podman ps --all --filter "label=$LABEL" --format '{{.Names}}')
    fi
    [ ${#names[@]} -eq 0 ] || podman rm --force --time 0 "${names[@]}" >/dev/null
    if [ "$#" -eq 0 ]; then
        podman volume ls --filter "label=$LABEL" --format '{{.Name}}' | xargs -r podman volume rm --force >/dev/null
    fi
}

setup_podman_env
case "${1:-}" in
    build) shift; cmd_build "$@" ;;
    up) shift; cmd_up "$@" ;;
    db) shift; cmd_build "$2"; db_up "$@" ;;
    down) shift; cmd_down "$@" ;;
    hash) shift; sources_hash "${1:?sandbox.sh hash RELEASE}" ;;
    env) echo "export CONTAINERS_CONF=$CONTAINERS_CONF CONTAINERS_STORAGE_CONF=$CONTAINERS_STORAGE_CONF" ;;
    *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
