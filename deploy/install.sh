#!/usr/bin/env bash
# Installs the hospital kiosk on a Debian/Ubuntu machine, or lays out its files for a package.
#
#   sudo deploy/install.sh                 # install on this machine (root)
#   DESTDIR=/tmp/pkg deploy/install.sh     # only lay out the files under /tmp/pkg (packaging):
#                                          # no user, no venv, no systemctl, no udevadm
#
# Environment:
#   DESTDIR            staging root for packaging (see above)
#   PREFIX             application folder (default /opt/hospital-kiosk)
#   KIOSK_USER         account the kiosk runs as (default kiosk)
#   SCANNER_VENDOR_ID  USB vendor id (4 hex digits) of the 2D scanners, for the udev rules
#   PRINTER_VENDOR_ID  USB vendor id of a vendor-class ESC/POS printer, for the udev rules
#   INSTALL_DEPS=1     also apt-get install cage, pcscd, espeak-ng, python3-venv ... (root only)
#   PYTHON             interpreter for the venv (default python3)
#
# Layout:
#   $PREFIX/app/          the application source (kiosk/, hardware/, ui/, assets/, deploy/)
#   $PREFIX/.venv/        its own virtual environment (the `kiosk` command is $PREFIX/.venv/bin/kiosk)
#   /etc/kiosk/kiosk.toml configuration (never overwritten; kiosk.example.toml beside it)
#   /var/lib/kiosk/       data (database, catalogs, printed tickets, lockout state)
#   /var/log/kiosk/       logs (kiosk.log rotated, faulthandler.log)
#   /etc/systemd/system/kiosk.service, /etc/udev/rules.d/70-kiosk.rules,
#   /etc/polkit-1/rules.d/50-kiosk-pcscd.rules
set -euo pipefail

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DESTDIR="${DESTDIR:-}"
PREFIX="${PREFIX:-/opt/hospital-kiosk}"
KIOSK_USER="${KIOSK_USER:-kiosk}"
SCANNER_VENDOR_ID="${SCANNER_VENDOR_ID:-}"
PRINTER_VENDOR_ID="${PRINTER_VENDOR_ID:-}"
PYTHON="${PYTHON:-python3}"
INSTALL_DEPS="${INSTALL_DEPS:-0}"

say() { printf 'install: %s\n' "$*"; }
die() { printf 'install: error: %s\n' "$*" >&2; exit 1; }

for v in SCANNER_VENDOR_ID PRINTER_VENDOR_ID; do
    val="${!v}"
    [[ -z "$val" || "$val" =~ ^[0-9a-fA-F]{4}$ ]] || die "$v must be 4 hex digits (e.g. 05e0), got '$val'"
done
[[ "$KIOSK_USER" =~ ^[a-z_][a-z0-9_-]*$ ]] || die "KIOSK_USER '$KIOSK_USER' is not a valid user name"
[[ "$PREFIX" == /* ]] || die "PREFIX must be an absolute path"

if [[ -z "$DESTDIR" ]]; then
    [[ $(id -u) -eq 0 ]] || die "run as root (or set DESTDIR to lay out files for a package)"
    LIVE=1
else
    LIVE=0
    DESTDIR="$(mkdir -p "$DESTDIR" && cd "$DESTDIR" && pwd)"
fi
ROOT="$DESTDIR"

# ---------------------------------------------------------------------------------------------
if [[ $LIVE -eq 1 && "$INSTALL_DEPS" == 1 ]]; then
    say "installing Debian packages"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        cage xwayland pcscd libccid polkitd espeak-ng python3 python3-venv \
        fonts-noto-core libgl1 libegl1 libxkbcommon0 libdbus-1-3 libfontconfig1 \
        libwayland-cursor0 libwayland-client0 libwayland-egl1
fi

if [[ $LIVE -eq 1 ]]; then
    if ! id "$KIOSK_USER" >/dev/null 2>&1; then
        say "creating user $KIOSK_USER"
        useradd --system --home-dir /var/lib/kiosk --no-create-home --shell /usr/sbin/nologin \
            --comment "hospital kiosk" "$KIOSK_USER"
    fi
    for g in video input dialout lp audio render; do
        getent group "$g" >/dev/null && usermod -a -G "$g" "$KIOSK_USER"
    done
fi

# --- application -----------------------------------------------------------------------------
APP="$ROOT$PREFIX/app"
say "application -> $APP"
install -d -m 0755 "$ROOT$PREFIX" "$APP"
rm -rf "$APP/kiosk" "$APP/hardware" "$APP/ui" "$APP/assets" "$APP/deploy"
for item in pyproject.toml README.md kiosk hardware ui assets deploy; do
    [[ -e "$SRC/$item" ]] || continue
    cp -R "$SRC/$item" "$APP/"
done
find "$APP" \( -name __pycache__ -o -name '*.pyc' -o -name '.mypy_cache' \) -prune -exec rm -rf {} +
chmod -R u=rwX,go=rX "$APP"

# --- configuration ---------------------------------------------------------------------------
say "configuration -> $ROOT/etc/kiosk"
install -d -m 0755 "$ROOT/etc/kiosk"
install -m 0644 "$SRC/deploy/kiosk.example.toml" "$ROOT/etc/kiosk/kiosk.example.toml"
if [[ ! -e "$ROOT/etc/kiosk/kiosk.toml" ]]; then
    install -m 0640 "$SRC/deploy/kiosk.example.toml" "$ROOT/etc/kiosk/kiosk.toml"
else
    say "keeping the existing /etc/kiosk/kiosk.toml"
fi

# --- data and logs ---------------------------------------------------------------------------
install -d -m 0750 "$ROOT/var/lib/kiosk" "$ROOT/var/log/kiosk"

# --- systemd, udev, polkit -------------------------------------------------------------------
install -d -m 0755 "$ROOT/etc/systemd/system" "$ROOT/etc/udev/rules.d" "$ROOT/etc/polkit-1/rules.d"
sed -e "s#/opt/hospital-kiosk#$PREFIX#g" -e "s#^User=kiosk#User=$KIOSK_USER#" \
    -e "s#^Group=kiosk#Group=$KIOSK_USER#" \
    "$SRC/deploy/kiosk.service" >"$ROOT/etc/systemd/system/kiosk.service"
chmod 0644 "$ROOT/etc/systemd/system/kiosk.service"

# udev: substitute the vendor ids; comment out the rules whose vendor is not set.
udev_rules() {
    local line
    while IFS= read -r line || [[ -n "$line" ]]; do
        if [[ "$line" == *@SCANNER_VENDOR@* && -z "$SCANNER_VENDOR_ID" ]] ||
           [[ "$line" == *@PRINTER_VENDOR@* && -z "$PRINTER_VENDOR_ID" ]]; then
            printf '# (vendor id not set) %s\n' "$line"
        else
            line="${line//@SCANNER_VENDOR@/${SCANNER_VENDOR_ID,,}}"
            printf '%s\n' "${line//@PRINTER_VENDOR@/${PRINTER_VENDOR_ID,,}}"
        fi
    done <"$SRC/deploy/udev/70-kiosk.rules.in"
}
udev_rules >"$ROOT/etc/udev/rules.d/70-kiosk.rules"
chmod 0644 "$ROOT/etc/udev/rules.d/70-kiosk.rules"
sed -e "s#@KIOSK_USER@#$KIOSK_USER#g" "$SRC/deploy/polkit/50-kiosk-pcscd.rules.in" \
    >"$ROOT/etc/polkit-1/rules.d/50-kiosk-pcscd.rules"
chmod 0644 "$ROOT/etc/polkit-1/rules.d/50-kiosk-pcscd.rules"

if [[ $LIVE -eq 0 ]]; then
    say "files laid out under $DESTDIR (packaging: create the user, the venv"
    say "($PYTHON -m venv $PREFIX/.venv && $PREFIX/.venv/bin/pip install $PREFIX/app)"
    say "and run systemctl daemon-reload / enable kiosk.service in the package scripts)"
    exit 0
fi

# --- live install only -----------------------------------------------------------------------
say "virtual environment -> $PREFIX/.venv"
[[ -x "$PREFIX/.venv/bin/python" ]] || "$PYTHON" -m venv "$PREFIX/.venv"
"$PREFIX/.venv/bin/pip" install --quiet --upgrade pip
"$PREFIX/.venv/bin/pip" install --quiet "$PREFIX/app"

chown root:"$KIOSK_USER" /etc/kiosk/kiosk.toml
chown "$KIOSK_USER":"$KIOSK_USER" /var/lib/kiosk /var/log/kiosk

udevadm control --reload-rules && udevadm trigger || say "udev reload failed (reboot to apply)"
systemctl daemon-reload
systemctl disable getty@tty1.service >/dev/null 2>&1 || true
systemctl enable kiosk.service
systemctl set-default graphical.target >/dev/null

"$PREFIX/.venv/bin/kiosk" config check --config /etc/kiosk/kiosk.toml ||
    say "edit /etc/kiosk/kiosk.toml, then: kiosk config check --config /etc/kiosk/kiosk.toml"
say "done. Next: set admin.pin_hash (kiosk admin hash-pin), check devices with"
say "  sudo -u $KIOSK_USER $PREFIX/.venv/bin/kiosk doctor --config /etc/kiosk/kiosk.toml"
say "then: systemctl start kiosk.service (or reboot)"
