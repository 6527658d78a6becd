# shellcheck shell=bash
# Shared setup for scripts/start, scripts/test and scripts/build-bundle. Sourced, never run.
#
#   fd_setup_debs PKG...     install the Debian packages that are missing (root + apt only;
#                            otherwise print the apt-get line to run and go on)
#   fd_setup_venv EXTRAS     create .venv if missing and `pip install -e '.[EXTRAS]'` when
#                            pyproject.toml changed since the last install or an extra is new
#
# Quiet when there is nothing to do. Tools' output goes to .venv/setup.log (shown on failure).

FD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FD_VENV="$FD_ROOT/.venv"
FD_PY="$FD_VENV/bin/python"
FD_STAMP="$FD_VENV/.frontdesk-install"   # "<sha256 of pyproject.toml> <extras,comma,sorted>"

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

# Shared libraries Qt 6 (PySide6 wheels) loads: QtGui/offscreen, and the xcb platform plugin for
# a real window (Qt's "xcb-cursor0 needed" message hides which one is really missing).
# shellcheck disable=SC2034  # used by the scripts that source this file
FD_QT_DEBS=(
    libegl1 libgl1 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3 libxkbcommon0
    libxkbcommon-x11-0 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0
    libxcb-keysyms1 libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0
    libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xkb1
)

fd_say() { echo "[setup] $*" >&2; }

# Run a command with its output in the log; on failure show the log's tail and fail.
fd_run_logged() {
    local log="$1"; shift
    if ! "$@" >>"$log" 2>&1; then
        fd_say "failed: $*"
        tail -n 40 "$log" >&2
        return 1
    fi
}

fd_missing_debs() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' \
            || echo "$p"
    done
}

FD_APT_UPDATED=""
fd_apt_install() {
    local log
    log="$(mktemp -t frontdesk-apt.XXXXXX)"
    if [ -z "$FD_APT_UPDATED" ]; then
        fd_run_logged "$log" apt-get update -q || { rm -f "$log"; return 1; }
        FD_APT_UPDATED=1
    fi
    fd_run_logged "$log" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "$@" || { rm -f "$log"; return 1; }
    rm -f "$log"
}

fd_setup_debs() {
    command -v dpkg-query >/dev/null 2>&1 || return 0   # not Debian/Ubuntu: nothing we can check
    local missing
    missing="$(fd_missing_debs "$@" | tr '\n' ' ')"
    missing="${missing% }"
    [ -n "$missing" ] || return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        fd_say "installing Debian packages: $missing"
        # shellcheck disable=SC2086
        fd_apt_install $missing
    else
        fd_say "missing Debian packages (Chinese text / Qt may not work); as root run:"
        fd_say "  apt-get install -y --no-install-recommends $missing"
    fi
}

# A Python >= 3.11 to create the venv with ($FRONTDESK_PYTHON wins).
fd_find_python() {
    local c
    for c in ${FRONTDESK_PYTHON:-} python3 python3.13 python3.12 python3.11; do
        if command -v "$c" >/dev/null 2>&1 \
            && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            "$c" -c 'import sys; print(sys.executable)'; return 0
        fi
    done
    return 1
}

fd_create_venv() {
    local py log
    if ! py="$(fd_find_python)"; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            fd_apt_install python3 python3-venv
            py="$(fd_find_python)" || { fd_say "no Python >= 3.11 found"; return 1; }
        else
            fd_say "no Python >= 3.11 found: install python3 (>= 3.11) and python3-venv"; return 1
        fi
    fi
    fd_say "creating $FD_VENV with $py"
    rm -rf "$FD_VENV"
    log="$(mktemp -t frontdesk-venv.XXXXXX)"
    if ! "$py" -m venv "$FD_VENV" >"$log" 2>&1; then
        # Debian's own python3 needs python3-venv (ensurepip) for this.
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            rm -rf "$FD_VENV"
            fd_apt_install python3-venv
            fd_run_logged "$log" "$py" -m venv "$FD_VENV" || { rm -f "$log"; return 1; }
        else
            cat "$log" >&2; rm -f "$log"; return 1
        fi
    fi
    rm -f "$log"
}

fd_setup_venv() {
    local want="$1" hash old_hash="" old_extras="" extras
    # A venv whose interpreter is gone or broken (moved repo, removed Python) is made anew.
    if ! [ -x "$FD_PY" ] || ! "$FD_PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        fd_create_venv
    fi
    hash="$(sha256sum "$FD_ROOT/pyproject.toml" | cut -d' ' -f1)"
    if [ -f "$FD_STAMP" ]; then read -r old_hash old_extras <"$FD_STAMP" || true; fi
    # Keep every extra installed so far, so start (postgres) and test (test,postgres) don't fight.
    extras="$(printf '%s,%s\n' "$want" "$old_extras" | tr ',' '\n' | sed '/^$/d' | sort -u | paste -sd, -)"
    if [ "$hash" = "$old_hash" ] && [ "$extras" = "$old_extras" ]; then
        return 0
    fi
    fd_say "installing the project into .venv (pip install -e '.[$extras]'); this takes a few minutes the first time"
    local log="$FD_VENV/setup.log"
    : >"$log"
    (cd "$FD_ROOT" && fd_run_logged "$log" "$FD_PY" -m pip install -e ".[$extras]") || return 1
    echo "$hash $extras" >"$FD_STAMP"
}
